-- PostGraphile's side of the profile bench: the same work as this server's creditProfile, as one
-- VOLATILE function PostGraphile exposes as a mutation. The reading institution comes from the JWT
-- (PostGraphile's pgSettings: jwt.claims.inst / jwt.claims.sub, set per request). It checks the
-- consent, records the inquiry, its audit entry and its domain event, and returns the profile as
-- JSON with the fields of bench/profile.ts's PROFILE_QUERY: the borrower, the first page of 100
-- visible accounts (held view while a prior notice runs, not deleted, adverse ones within the
-- 5-year retention; open adverse, open, closed, newest first), the summary over every visible
-- account and the last 24 months' inquiries (at most 100).
create schema if not exists bench_pg;

create or replace function bench_pg.credit_profile(borrower_id uuid, purpose text) returns json
language plpgsql volatile as $$
#variable_conflict use_column
declare
  inst text := nullif(current_setting('jwt.claims.inst', true), '');
  usr text := coalesce(nullif(current_setting('jwt.claims.sub', true), ''), 'anonymous');
  b uuid := credit_profile.borrower_id;
  p text := credit_profile.purpose;
  consent uuid;
  inquiry uuid;
  hard boolean := credit_profile.purpose in ('LOAN_APPLICATION', 'UNDERWRITING', 'GUARANTEE_ELIGIBILITY');
  cur_month int := extract(year from (now() at time zone 'Asia/Shanghai'))::int * 12
                   + extract(month from (now() at time zone 'Asia/Shanghai'))::int - 1;
  cutoff date := ((now() at time zone 'Asia/Shanghai')::date - interval '5 years')::date;
  result json;
begin
  if inst is null then
    raise exception 'an institution token is required' using errcode = '28000';
  end if;
  select c.id into consent from public.consents c
    where c.borrower_id = b and c.institution_id = inst and c.purpose = p
      and c.revoked_at is null and c.granted_at <= now() and c.expires_at > now()
    order by c.expires_at desc limit 1;
  if consent is null then
    raise exception 'no active consent for this purpose' using errcode = '42501';
  end if;
  insert into public.inquiries (borrower_id, institution_id, user_id, purpose, consent_id, inquired_at)
    values (b, inst, usr, p, consent, now()) returning id into inquiry;
  insert into public.audit_log (at, request_id, actor_user_id, actor_role, actor_institution_id, action, target_type, target_id, borrower_id, detail)
    values (now(), gen_random_uuid()::text, usr, 'BANK', inst, 'credit.profile.read', 'borrower', b::text, b,
            jsonb_build_object('purpose', p, 'consentId', consent, 'inquiryId', inquiry));
  insert into public.domain_events (type, occurred_at, request_id, aggregate_type, aggregate_id, borrower_id, actor_institution_id, payload)
    values ('credit.inquiry.made', now(), null, 'inquiry', inquiry::text, b, inst,
            jsonb_build_object('inquiryId', inquiry, 'institutionId', inst, 'purpose', p, 'kind', case when hard then 'HARD' else 'SOFT' end));

  with vis as materialized (
    select x.*, case when x.open and x.status not in ('CURRENT', 'PAID') then 0 when x.open then 1 else 2 end as rank
    from (
      select h.*, h.closed_on is null and h.status not in ('PAID', 'CHARGED_OFF') as open
      from (
        select a.id, a.account_ref, a.kind, a.institution_id, a.original_amount, a.opened_on,
               case when a.is_held then a.held->>'status' else a.status end as status,
               case when a.is_held then (a.held->>'balance')::numeric(18,2) else a.balance end as balance,
               case when a.is_held then (a.held->>'closedOn')::date else a.closed_on end as closed_on,
               case when a.is_held then (a.held->>'statusMonth')::date else a.status_month end as status_month,
               case when a.is_held then a.held->>'paymentHistory' else a.payment_history end as payment_history
        from (select ca.*, coalesce(ca.held_until > now(), false) as is_held from public.credit_accounts ca
              where ca.borrower_id = b and ca.deleted_at is null) a
        where not (a.is_held and coalesce((a.held->>'hidden')::boolean, false))
      ) h
      where h.status in ('CURRENT', 'PAID') or h.closed_on is null or h.closed_on > cutoff
    ) x
  ),
  od as (select d.account_id, d.id from public.disputes d where d.borrower_id = b and d.account_id is not null and d.status = 'OPEN'),
  pg as (select v.* from vis v order by v.rank, v.opened_on desc, v.id limit 100),
  win as (
    select string_agg(substr(v.payment_history, greatest(-lag, 0) + 1, greatest(24 - greatest(lag, 0), 0)), '') as w
    from (select v.payment_history,
                 cur_month - (extract(year from v.status_month)::int * 12 + extract(month from v.status_month)::int - 1) as lag
          from vis v) v
  )
  select json_build_object(
    'borrower', (select json_build_object('id', bo.id, 'name', bo.name, 'category', bo.category, 'county', bo.county, 'sector', bo.sector,
                   'registeredOn', bo.registered_on, 'nationalIdMasked', bo.national_id_masked)
                 from public.borrowers bo where bo.id = b),
    'accounts', coalesce((select json_agg(json_build_object(
                   'id', v.id, 'accountRef', v.account_ref, 'kind', v.kind, 'furnisher', json_build_object('id', i.id, 'name', i.name),
                   'originalAmount', v.original_amount::text, 'balance', v.balance::text, 'openedOn', v.opened_on, 'closedOn', v.closed_on,
                   'status', v.status, 'statusMonth', v.status_month, 'paymentPattern', v.payment_history, 'disputed', od.id is not null)
                   order by v.rank, v.opened_on desc, v.id)
                 from pg v join public.institutions i on i.id = v.institution_id left join od on od.account_id = v.id), '[]'::json),
    'summary', (select json_build_object(
                   'openAccounts', count(*) filter (where v.open),
                   'totalBalance', coalesce(sum(v.balance) filter (where v.open), 0)::numeric(18,2)::text,
                   'worstStatus24Months', (select case
                       when strpos(w.w, 'L') > 0 then 'CHARGED_OFF' when strpos(w.w, 'C') > 0 then 'CLAIM_PAID_BY_INSURER'
                       when strpos(w.w, 'G') > 0 then 'IN_COLLECTION' when strpos(w.w, '6') > 0 then 'DPD_180_PLUS'
                       when strpos(w.w, '5') > 0 then 'DPD_150' when strpos(w.w, '4') > 0 then 'DPD_120'
                       when strpos(w.w, '3') > 0 then 'DPD_90' when strpos(w.w, '2') > 0 then 'DPD_60'
                       when strpos(w.w, '1') > 0 then 'DPD_30' when strpos(w.w, '0') > 0 then 'CURRENT'
                       when strpos(w.w, 'P') > 0 then 'PAID' end from win w),
                   'inquiriesLast6Months', (select count(*) from public.inquiries q where q.borrower_id = b and q.deleted_at is null
                       and q.purpose in ('LOAN_APPLICATION', 'UNDERWRITING', 'GUARANTEE_ELIGIBILITY')
                       and q.inquired_at >= now() - interval '6 months' and q.inquired_at <= now()))
                 from vis v),
    'inquiries', coalesce((select json_agg(json_build_object('institution', case when i.id is null then null else json_build_object('name', i.name) end,
                   'purpose', q.purpose, 'inquiredAt', q.inquired_at) order by q.inquired_at desc, q.id)
                 from (select * from public.inquiries q where q.borrower_id = b and q.deleted_at is null
                         and q.inquired_at >= now() - interval '24 months' and q.inquired_at <= now()
                       order by q.inquired_at desc, q.id limit 100) q
                 left join public.institutions i on i.id = q.institution_id), '[]'::json)
  ) into result;
  return result;
end;
$$;
