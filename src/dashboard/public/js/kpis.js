/* KPI tiles: key figures and fund balances. */

import { $, el, num } from './dom.js';

/**
 * A tile: { id, zh, en, kind, value, suppressed, featured, note, subs: [{ id, zh, en, kind, value, suppressed }] }.
 * Records every number in shown.kpis in display order.
 */
function tile(t, shown) {
  const valueId = 'kpi-' + t.id;
  const head = el(
    'div',
    { class: 'kpi-label', id: valueId + '-label' },
    el('span', { class: 'zh', text: t.zh }),
    el('span', { class: 'en', text: t.en }),
  );
  const main = t.kind ? num('div', valueId, t.kind, t.value, t.suppressed, 'kpi-value') : null;
  if (main) main.setAttribute('aria-labelledby', valueId + '-label');
  if (t.kind) shown.kpis.push({ id: valueId, label: both(t.zh, t.en), value: t.value, suppressed: !!t.suppressed });
  const box = el('article', { class: 'kpi' + (t.featured ? ' kpi-featured' : ''), 'data-testid': 'tile-' + t.id }, head, main);
  if (t.formula) box.append(t.formula);
  if (t.subs && t.subs.length) {
    const dl = el('dl', { class: 'kpi-subs' });
    for (const s of t.subs) {
      const sid = 'kpi-' + s.id;
      dl.append(el('div', { class: 'kpi-sub' }, el('dt', { text: both(s.zh, s.en) }), num('dd', sid, s.kind, s.value, s.suppressed)));
      shown.kpis.push({ id: sid, label: both(s.zh, s.en), value: s.value, suppressed: !!s.suppressed });
    }
    box.append(dl);
  }
  if (t.note) box.append(el('p', { class: 'kpi-note', text: t.note }));
  return box;
}

function both(zh, en) {
  return [zh, en].filter(Boolean).join(' ');
}

export function renderKpis(pm, shown) {
  const c = pm.totals;
  const s = !!c.suppressed;
  const lev = pm.leverage;
  const kpis = $('kpis');
  kpis.replaceChildren();

  // Leverage first: the figure the programme is judged by.
  const levTile = tile(
    {
      id: 'leverage',
      zh: '撬动倍数',
      en: 'Leverage',
      kind: 'ratio',
      value: lev ? lev.ratio : null,
      featured: true,
      subs: [
        { id: 'leverage-credit', zh: '放款金额', en: 'Credit disbursed', kind: 'money', value: lev ? lev.creditDisbursed : null },
        { id: 'leverage-government', zh: '财政资金投入', en: 'Government money', kind: 'money', value: lev ? lev.governmentMoney : null },
      ],
      note:
        lev && lev.ratio !== null
          ? '放款金额 ÷ 同期财政注入两项资金 Credit disbursed ÷ government money paid into the two funds'
          : '设置区县、类别、行业或机构筛选时，或尚无财政资金时，不计算撬动倍数。Not computed under a county, category, sector or institution filter, or before any government money.',
    },
    shown,
  );
  kpis.append(levTile);

  kpis.append(
    tile(
      {
        id: 'disbursed',
        zh: '放款金额',
        en: 'Credit disbursed',
        kind: 'money',
        value: c.disbursed,
        suppressed: s,
        subs: [{ id: 'outstanding', zh: '在贷余额', en: 'Outstanding', kind: 'money', value: c.outstanding, suppressed: s }],
      },
      shown,
    ),
    tile({ id: 'loans', zh: '贷款笔数', en: 'Loans', kind: 'int', value: c.loans, suppressed: s }, shown),
    tile(
      {
        id: 'borrowers',
        zh: '惠及借款人',
        en: 'Borrowers reached',
        kind: 'int',
        value: c.borrowersReached,
        suppressed: s,
        note: '首次获得项目贷款的借款人 First programme loan',
      },
      shown,
    ),
    tile(
      {
        id: 'approval-rate',
        zh: '审批通过率',
        en: 'Approval rate',
        kind: 'rate',
        value: c.approvalRate,
        suppressed: s,
        subs: [
          { id: 'applications', zh: '申请', en: 'Applications', kind: 'int', value: c.applications, suppressed: s },
          { id: 'approvals', zh: '通过', en: 'Approvals', kind: 'int', value: c.approvals, suppressed: s },
        ],
      },
      shown,
    ),
    tile(
      {
        id: 'financing-cost',
        zh: '平均综合融资成本',
        en: 'Average financing cost',
        kind: 'rate',
        value: c.averageFinancingCost,
        suppressed: s,
        subs: [
          {
            id: 'savings',
            zh: '较担保公司节省',
            en: 'Savings vs guarantee companies',
            kind: 'rate',
            value: c.savingsVsGuaranteeCompany,
            suppressed: s,
          },
          { id: 'interest-rate', zh: '平均利率', en: 'Interest rate', kind: 'rate', value: c.averageInterestRate, suppressed: s },
          { id: 'premium-rate', zh: '平均保费率', en: 'Premium rate', kind: 'rate', value: c.averagePremiumRate, suppressed: s },
        ],
      },
      shown,
    ),
    tile(
      {
        id: 'default-rate',
        zh: '违约率',
        en: 'Default rate',
        kind: 'rate',
        value: c.defaultRate,
        suppressed: s,
        subs: [
          { id: 'defaults', zh: '违约笔数', en: 'Defaults', kind: 'int', value: c.defaults, suppressed: s },
          { id: 'defaulted-amount', zh: '违约金额', en: 'Defaulted amount', kind: 'money', value: c.defaultedAmount, suppressed: s },
        ],
      },
      shown,
    ),
    tile(
      {
        id: 'claims-paid',
        zh: '已付理赔',
        en: 'Claims paid',
        kind: 'money',
        value: c.claimsPaid,
        suppressed: s,
        subs: [{ id: 'loss-ratio', zh: '赔付率', en: 'Loss ratio', kind: 'rate', value: c.lossRatio, suppressed: s }],
      },
      shown,
    ),
    tile(
      { id: 'compensation-paid', zh: '风险补偿支付', en: 'Compensation paid', kind: 'money', value: c.compensationPaid, suppressed: s },
      shown,
    ),
    tile({ id: 'recoveries', zh: '追偿回收', en: 'Recoveries', kind: 'money', value: c.recoveries, suppressed: s }, shown),
    tile(
      {
        id: 'premium-subsidy',
        zh: '保费补贴',
        en: 'Premium subsidy',
        kind: 'money',
        value: c.premiumSubsidy,
        suppressed: s,
        subs: [{ id: 'premiums', zh: '保费收入', en: 'Premiums', kind: 'money', value: c.premiums, suppressed: s }],
      },
      shown,
    ),
  );

  const f = pm.funds;
  const funds = $('funds');
  funds.replaceChildren(
    tile({ id: 'fund-premium-subsidy', zh: '保费补贴资金', en: 'Premium-subsidy fund', kind: 'money', value: f.premiumSubsidyFund }, shown),
    tile(
      { id: 'fund-risk-compensation', zh: '风险补偿专项资金', en: 'Risk-compensation fund', kind: 'money', value: f.riskCompensationFund },
      shown,
    ),
    tile(
      {
        id: 'subsidy-owed',
        zh: '应付未付保费补贴',
        en: 'Subsidy owed',
        kind: 'money',
        value: f.subsidyOwed,
        note: '资金不足暂欠保险公司 Owed to insurers for want of funds',
      },
      shown,
    ),
    tile(
      {
        id: 'compensation-shortfall',
        zh: '风险补偿缺口',
        en: 'Compensation shortfall',
        kind: 'money',
        value: f.compensationShortfall,
        note: '已批准未支付 Approved, not yet paid',
      },
      shown,
    ),
  );
  if (f.riskReserves && f.riskReserves.length) {
    funds.append(
      tile(
        {
          id: 'risk-reserves',
          zh: '保险公司风险准备金',
          en: 'Insurers\u2019 risk reserves',
          subs: f.riskReserves.map((r) => ({
            id: 'risk-reserve-' + r.insurer.id,
            zh: r.insurer.name,
            en: '',
            kind: 'money',
            value: r.balance,
          })),
        },
        shown,
      ),
    );
  }
}
