/* Programme dashboard for the finance bureau. Plain browser JavaScript, no build step.
 *
 * Every figure comes from one GraphQL query (programMetrics + institutions) sent with the
 * signed-in user's token. Every displayed number carries a data-testid and its raw API value in
 * data-value, so a test (or an auditor) can compare the page with the API. No innerHTML: text
 * from the API is only ever set with textContent.
 */
'use strict';

(function () {
  const TOKEN_KEY = 'creditShare.dashboard.token';
  const ENDPOINT = '/graphql';

  const QUERY = `query Metrics($f: MetricsFilter) {
  programMetrics(filter: $f) {
    minimumCellSize referenceGuaranteeCost generatedAt
    leverage { creditDisbursed governmentMoney ratio }
    funds { premiumSubsidyFund riskCompensationFund subsidyOwed compensationShortfall riskReserves { insurer { id name } balance } }
    totals { ...Cell }
    monthly { ...Cell } byCounty { ...Cell } byCategory { ...Cell } bySector { ...Cell }
    leagueTable { rank institution { id name kind } cell { ...Cell } }
  }
  institutions { id name kind }
}
fragment Cell on MetricCell { key label suppressed applications approvals approvalRate loans disbursed outstanding borrowersReached averageInterestRate averagePremiumRate averageFinancingCost savingsVsGuaranteeCompany defaults defaultedAmount defaultRate claimsPaid compensationPaid recoveries premiums premiumSubsidy lossRatio }`;

  const FILTER_FIELDS = ['year', 'county', 'category', 'sector', 'institutionId'];

  const CATEGORY_ZH = {
    STARTUP_MICRO_ENTERPRISE: '初创期小微企业',
    RURAL_HOUSEHOLD: '农村种养殖户',
    INDIVIDUAL_ENTREPRENEUR: '个人创业者',
  };
  const CATEGORY_EN = {
    STARTUP_MICRO_ENTERPRISE: 'Start-up micro enterprise',
    RURAL_HOUSEHOLD: 'Rural household',
    INDIVIDUAL_ENTREPRENEUR: 'Individual entrepreneur',
  };
  const SECTOR_ZH = {
    breeding: '养殖',
    planting: '种植',
    'pre-school education': '幼教',
    retail: '商贸',
    tourism: '旅游',
    catering: '餐饮',
    logistics: '物流',
    handicrafts: '手工艺',
  };
  const KIND_LABEL = { BANK: '银行 Bank', INSURER: '保险 Insurer', GOVERNMENT: '政府 Government' };

  const WITHHELD_TEXT = '已隐藏 withheld';
  const PALETTE = ['#1f4e8c', '#2a9d8f', '#e9a03b', '#c8553d', '#6a4c93', '#4d908e', '#577590', '#f3722c'];

  const state = {
    token: null,
    seq: 0,
    optionsLoaded: false,
    minimumCellSize: null,
    charts: {},
    /** What is on screen, for the CSV export: exactly the rendered values. */
    shown: null,
  };

  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------------------------------
  // Formatting. Money and rates arrive as decimal strings and are never turned into floats
  // for display (only chart geometry uses Number()).

  function groupThousands(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }

  /** "300000000.00" → "300,000,000.00" */
  function fmtMoney(v) {
    const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(v));
    if (!m) return String(v);
    return m[1] + groupThousands(m[2]) + (m[3] !== undefined ? '.' + m[3] : '');
  }

  function fmtInt(v) {
    const m = /^(-?)(\d+)$/.exec(String(v));
    return m ? m[1] + groupThousands(m[2]) : String(v);
  }

  /** "0.088" → "8.80%", rounded half away from zero on the decimal string itself. */
  function fmtRate(v) {
    const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(String(v));
    if (!m) return String(v);
    const frac = m[3] || '';
    const digits = BigInt(m[2] + frac);
    let scaled; // the percentage × 100, i.e. value × 10^4
    if (frac.length <= 4) scaled = digits * 10n ** BigInt(4 - frac.length);
    else {
      const d = 10n ** BigInt(frac.length - 4);
      scaled = (digits + d / 2n) / d;
    }
    const s = scaled.toString().padStart(3, '0');
    const sign = m[1] && scaled !== 0n ? '-' : '';
    return sign + groupThousands(s.slice(0, -2)) + '.' + s.slice(-2) + '%';
  }

  function fmtRatio(v) {
    return String(v) + '×';
  }

  const FORMAT = { money: fmtMoney, int: fmtInt, rate: fmtRate, ratio: fmtRatio };

  /** Axis ticks in 万 / 亿, the units the bureau reads. */
  function fmtAxisMoney(v) {
    const n = Number(v);
    if (Math.abs(n) >= 1e8) return (n / 1e8).toLocaleString('zh-CN', { maximumFractionDigits: 2 }) + '亿';
    if (Math.abs(n) >= 1e4) return (n / 1e4).toLocaleString('zh-CN', { maximumFractionDigits: 1 }) + '万';
    return n.toLocaleString('zh-CN');
  }

  function withheldTip() {
    const n = state.minimumCellSize;
    return (
      `已隐藏：该数据来自少于 ${n ?? '最小单元'} 名借款人的分组，或可与其他公布数据相减推算出隐藏数据，为保护借款人隐私不予公布。` +
      `\nWithheld: this figure comes from a group of fewer than ${n ?? 'the minimum number of'} borrowers, ` +
      'or would reveal a withheld figure by subtraction, so it is suppressed to protect borrowers\u2019 privacy.'
    );
  }

  // ---------------------------------------------------------------------------------------
  // DOM helpers (textContent only).

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }

  /**
   * One displayed number: formatted text, raw API value in data-value, a data-testid.
   * Withheld → "withheld" (data-suppressed="true", data-value=""); null but published → "—".
   */
  function num(tag, testid, kind, value, suppressed, extraClass) {
    const e = el(tag, { class: 'num' + (extraClass ? ' ' + extraClass : ''), 'data-testid': testid, 'data-kind': kind });
    if (suppressed) {
      e.classList.add('is-withheld');
      e.dataset.value = '';
      e.dataset.suppressed = 'true';
      e.append(withheldChip());
    } else if (value === null || value === undefined) {
      e.classList.add('na');
      e.dataset.value = '';
      e.title = '不适用 Not applicable';
      e.textContent = '—';
    } else {
      e.dataset.value = String(value);
      e.textContent = FORMAT[kind](value);
    }
    return e;
  }

  /** The "withheld" label, focusable, explaining small-group suppression on hover and focus. */
  function withheldChip() {
    const tip = withheldTip();
    return el('span', { class: 'withheld', title: tip, 'data-tip': tip, tabindex: '0', 'aria-describedby': 'suppression-footnote' }, WITHHELD_TEXT);
  }

  // ---------------------------------------------------------------------------------------
  // GraphQL

  class ApiError extends Error {
    constructor(errors, status) {
      super(errors.map((e) => e.message).join('; '));
      this.errors = errors;
      this.status = status;
      this.code = (errors[0] && errors[0].extensions && errors[0].extensions.code) || null;
    }
  }

  async function gql(query, variables) {
    let res;
    try {
      res = await fetch(ENDPOINT, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          authorization: 'Bearer ' + state.token,
        },
        body: JSON.stringify({ query, variables }),
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch (err) {
      throw new ApiError([{ message: String(err && err.message ? err.message : err), extensions: { code: 'NETWORK_ERROR' } }], 0);
    }
    let body = null;
    try {
      body = await res.json();
    } catch {
      /* not JSON */
    }
    if (body && Array.isArray(body.errors) && body.errors.length) throw new ApiError(body.errors, res.status);
    if (!res.ok || !body || !body.data) {
      throw new ApiError([{ message: `HTTP ${res.status} ${res.statusText}`.trim(), extensions: { code: 'HTTP_' + res.status } }], res.status);
    }
    return body.data;
  }

  // ---------------------------------------------------------------------------------------
  // Session

  function normaliseToken(raw) {
    return String(raw || '').trim().replace(/^Bearer\s+/i, '').replace(/\s+/g, '');
  }

  function decodeClaims(token) {
    try {
      const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const json = decodeURIComponent(
        Array.from(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), '=')), (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''),
      );
      const c = JSON.parse(json);
      return c && typeof c === 'object' ? c : null;
    } catch {
      return null;
    }
  }

  function showSignedIn() {
    const claims = decodeClaims(state.token) || {};
    const parts = [claims.sub, claims.role, claims.inst].filter((x) => typeof x === 'string' && x);
    $('who').textContent = parts.length ? parts.join(' · ') : '已登录 Signed in';
    if (typeof claims.exp === 'number') {
      $('who').title = '令牌到期 Token expires ' + new Date(claims.exp * 1000).toLocaleString('zh-CN');
    }
    $('session').hidden = false;
    $('signin').hidden = true;
    $('dashboard').hidden = false;
  }

  function signIn(ev) {
    ev.preventDefault();
    const token = normaliseToken($('token-input').value);
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) {
      $('token-error').textContent = '这不是有效的 JWT 格式。That does not look like a JWT (three dot-separated parts).';
      $('token-input').setAttribute('aria-invalid', 'true');
      $('token-input').focus();
      return;
    }
    $('token-error').textContent = '';
    $('token-input').removeAttribute('aria-invalid');
    $('token-input').value = '';
    state.token = token;
    try {
      sessionStorage.setItem(TOKEN_KEY, token);
    } catch {
      /* storage disabled: the token lives in memory for this page */
    }
    showSignedIn();
    resetFilters();
    load();
    $('main').focus();
  }

  function signOut() {
    try {
      sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      /* ignore */
    }
    state.token = null;
    state.seq++; // drop any answer still in flight
    state.optionsLoaded = false;
    clearData();
    resetFilters();
    for (const id of ['f-year', 'f-county', 'f-sector', 'f-institution']) {
      const s = $(id);
      while (s.options.length > 1) s.remove(1);
      for (const g of Array.from(s.querySelectorAll('optgroup'))) g.remove();
    }
    hideError();
    $('session').hidden = true;
    $('dashboard').hidden = true;
    $('signin').hidden = false;
    document.body.dataset.state = 'signed-out';
    delete document.body.dataset.filter;
    $('token-input').focus();
  }

  // ---------------------------------------------------------------------------------------
  // Filters

  function resetFilters() {
    for (const f of FILTER_FIELDS) $('filters').elements.namedItem(f).value = '';
  }

  function readFilter() {
    const form = $('filters');
    const f = {};
    for (const k of FILTER_FIELDS) {
      const v = form.elements.namedItem(k).value;
      if (v === '') continue;
      f[k] = k === 'year' ? parseInt(v, 10) : v;
    }
    return f;
  }

  function describeFilter(f) {
    const parts = [];
    for (const k of FILTER_FIELDS) if (f[k] !== undefined) parts.push(k + '=' + f[k]);
    return parts.length ? parts.join('; ') : '无 none';
  }

  function setOptions(select, items) {
    const keep = select.value;
    while (select.options.length > 1) select.remove(1);
    for (const g of Array.from(select.querySelectorAll('optgroup'))) g.remove();
    for (const item of items) {
      if (item.group) {
        const g = el('optgroup', { label: item.group });
        for (const o of item.options) g.append(el('option', { value: o.value, text: o.text }));
        select.append(g);
      } else {
        select.append(el('option', { value: item.value, text: item.text }));
      }
    }
    select.value = keep;
    if (select.value !== keep) select.value = '';
  }

  function populateOptions(pm, institutions) {
    const years = new Set();
    for (const c of pm.monthly) {
      const m = /^(\d{4})-\d{2}$/.exec(c.key || '');
      if (m) years.add(m[1]);
    }
    setOptions(
      $('f-year'),
      Array.from(years).sort().reverse().map((y) => ({ value: y, text: y + '年 ' + y })),
    );
    setOptions(
      $('f-county'),
      pm.byCounty.filter((c) => c.key).map((c) => ({ value: c.key, text: c.label && c.label !== c.key ? `${c.label} (${c.key})` : c.key })),
    );
    setOptions(
      $('f-sector'),
      pm.bySector.filter((c) => c.key).map((c) => ({ value: c.key, text: sectorLabel(c) })),
    );
    // Banks and insurers: those in the league table and those in the directory.
    const byId = new Map();
    for (const i of institutions || []) if (i.kind === 'BANK' || i.kind === 'INSURER') byId.set(i.id, i);
    for (const r of pm.leagueTable) if (!byId.has(r.institution.id)) byId.set(r.institution.id, r.institution);
    const groups = [];
    for (const [kind, label] of [
      ['BANK', '银行 Banks'],
      ['INSURER', '保险公司 Insurers'],
    ]) {
      const opts = Array.from(byId.values())
        .filter((i) => i.kind === kind)
        .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'))
        .map((i) => ({ value: i.id, text: i.name }));
      if (opts.length) groups.push({ group: label, options: opts });
    }
    const others = Array.from(byId.values()).filter((i) => i.kind !== 'BANK' && i.kind !== 'INSURER');
    for (const i of others) groups.push({ value: i.id, text: i.name });
    setOptions($('f-institution'), groups);
    state.optionsLoaded = true;
  }

  function sectorLabel(c) {
    if (c.label && c.label !== c.key) return c.label;
    return SECTOR_ZH[c.key] ? `${SECTOR_ZH[c.key]} ${c.key}` : c.key;
  }

  function categoryLabel(c) {
    if (CATEGORY_ZH[c.key]) return `${CATEGORY_ZH[c.key]} ${CATEGORY_EN[c.key]}`;
    return c.label || c.key || '';
  }

  function cellLabel(c) {
    return c.label || c.key || '';
  }

  // ---------------------------------------------------------------------------------------
  // Loading and errors

  async function load() {
    if (!state.token) return;
    const filter = readFilter();
    const seq = ++state.seq;
    document.body.dataset.state = 'loading';
    $('dashboard').setAttribute('aria-busy', 'true');
    $('dashboard').classList.add('loading');
    $('status').textContent = '加载中… Loading…';
    try {
      const data = await gql(QUERY, { f: Object.keys(filter).length ? filter : null });
      if (seq !== state.seq) return;
      if (!data.programMetrics) throw new ApiError([{ message: 'programMetrics returned no data', extensions: { code: 'NO_DATA' } }], 200);
      hideError();
      if (!state.optionsLoaded && Object.keys(filter).length === 0) populateOptions(data.programMetrics, data.institutions);
      render(data.programMetrics, filter);
      $('status').textContent = '已更新 Up to date';
      document.body.dataset.filter = JSON.stringify(filter);
      document.body.dataset.state = 'ready';
    } catch (err) {
      if (seq !== state.seq) return;
      showError(err);
      document.body.dataset.filter = JSON.stringify(filter);
      document.body.dataset.state = 'error';
    } finally {
      if (seq === state.seq) {
        $('dashboard').setAttribute('aria-busy', 'false');
        $('dashboard').classList.remove('loading');
      }
    }
  }

  const ERROR_TEXT = {
    FORBIDDEN: [
      '无权访问 Access denied',
      '此看板仅供财政局 (GOVERNMENT) 和系统管理员 (ADMIN) 使用，当前令牌无权查看项目指标。' +
        'This dashboard is for the finance bureau (GOVERNMENT) and administrators (ADMIN); the token you signed in with may not read programme metrics.',
    ],
    UNAUTHENTICATED: [
      '身份验证失败 Not authenticated',
      '令牌无效或已过期，请退出并粘贴新的令牌。The token is invalid or has expired: sign out and paste a new one.',
    ],
    BAD_USER_INPUT: ['筛选条件无效 Invalid filter', '服务器拒绝了当前筛选条件。The server rejected the current filter.'],
    NETWORK_ERROR: ['无法连接服务器 Cannot reach the server', '请检查网络后重试。Check the connection and try again.'],
  };

  function showError(err) {
    const code = (err && err.code) || 'ERROR';
    const [title, body] = ERROR_TEXT[code] || ['查询失败 The query failed', '服务器返回了错误。The server answered with an error.'];
    $('error-title').textContent = title;
    $('error-body').textContent = body;
    const details = err && err.errors ? err.errors.map((e) => `${(e.extensions && e.extensions.code) || 'ERROR'}: ${e.message}`) : [String(err)];
    $('error-code').textContent = details.join('\n');
    $('error').dataset.code = code;
    $('error').hidden = false;
    $('status').textContent = '查询失败 Failed';
    clearData();
    // No figures at all for a token that may not see them; keep filters for other failures.
    const denied = code === 'FORBIDDEN' || code === 'UNAUTHENTICATED';
    $('dashboard').hidden = denied;
  }

  function hideError() {
    $('error').hidden = true;
    delete $('error').dataset.code;
    $('error-title').textContent = '';
    $('error-body').textContent = '';
    $('error-code').textContent = '';
    if (state.token) $('dashboard').hidden = false;
  }

  function clearData() {
    for (const k of Object.keys(state.charts)) {
      state.charts[k].destroy();
      delete state.charts[k];
    }
    for (const id of ['kpis', 'funds', 'league-body', 'note-monthly', 'note-county', 'note-category']) $(id).replaceChildren();
    for (const id of ['generated-at', 'min-cell', 'ref-cost']) {
      $(id).textContent = '';
      delete $(id).dataset.value;
    }
    state.shown = null;
  }

  // ---------------------------------------------------------------------------------------
  // Rendering

  function render(pm, filter) {
    state.minimumCellSize = pm.minimumCellSize;
    const shown = { filter, generatedAt: pm.generatedAt, minimumCellSize: pm.minimumCellSize, referenceGuaranteeCost: pm.referenceGuaranteeCost, kpis: [], series: {}, league: [] };

    $('generated-at').textContent = new Date(pm.generatedAt).toLocaleString('zh-CN', { hour12: false });
    $('generated-at').dateTime = pm.generatedAt;
    $('generated-at').dataset.value = pm.generatedAt;
    $('min-cell').replaceWith(Object.assign(num('span', 'meta-minimum-cell-size', 'int', pm.minimumCellSize, false), { id: 'min-cell' }));
    $('ref-cost').replaceWith(Object.assign(num('span', 'meta-reference-guarantee-cost', 'rate', pm.referenceGuaranteeCost, false), { id: 'ref-cost' }));

    renderKpis(pm, shown);
    renderCharts(pm, shown);
    renderLeague(pm, shown);
    state.shown = shown;
  }

  /**
   * A tile: { id, zh, en, kind, value, suppressed, featured, note, subs: [{ id, zh, en, kind, value, suppressed }] }.
   * Records every number in shown.kpis in display order.
   */
  function tile(t, shown) {
    const valueId = 'kpi-' + t.id;
    const head = el('div', { class: 'kpi-label', id: valueId + '-label' }, el('span', { class: 'zh', text: t.zh }), el('span', { class: 'en', text: t.en }));
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

  function renderKpis(pm, shown) {
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
      tile({ id: 'disbursed', zh: '放款金额', en: 'Credit disbursed', kind: 'money', value: c.disbursed, suppressed: s, subs: [{ id: 'outstanding', zh: '在贷余额', en: 'Outstanding', kind: 'money', value: c.outstanding, suppressed: s }] }, shown),
      tile({ id: 'loans', zh: '贷款笔数', en: 'Loans', kind: 'int', value: c.loans, suppressed: s }, shown),
      tile({ id: 'borrowers', zh: '惠及借款人', en: 'Borrowers reached', kind: 'int', value: c.borrowersReached, suppressed: s, note: '首次获得项目贷款的借款人 First programme loan' }, shown),
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
            { id: 'savings', zh: '较担保公司节省', en: 'Savings vs guarantee companies', kind: 'rate', value: c.savingsVsGuaranteeCompany, suppressed: s },
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
      tile({ id: 'claims-paid', zh: '已付理赔', en: 'Claims paid', kind: 'money', value: c.claimsPaid, suppressed: s, subs: [{ id: 'loss-ratio', zh: '赔付率', en: 'Loss ratio', kind: 'rate', value: c.lossRatio, suppressed: s }] }, shown),
      tile({ id: 'compensation-paid', zh: '风险补偿支付', en: 'Compensation paid', kind: 'money', value: c.compensationPaid, suppressed: s }, shown),
      tile({ id: 'recoveries', zh: '追偿回收', en: 'Recoveries', kind: 'money', value: c.recoveries, suppressed: s }, shown),
      tile({ id: 'premium-subsidy', zh: '保费补贴', en: 'Premium subsidy', kind: 'money', value: c.premiumSubsidy, suppressed: s, subs: [{ id: 'premiums', zh: '保费收入', en: 'Premiums', kind: 'money', value: c.premiums, suppressed: s }] }, shown),
    );

    const f = pm.funds;
    const funds = $('funds');
    funds.replaceChildren(
      tile({ id: 'fund-premium-subsidy', zh: '保费补贴资金', en: 'Premium-subsidy fund', kind: 'money', value: f.premiumSubsidyFund }, shown),
      tile({ id: 'fund-risk-compensation', zh: '风险补偿专项资金', en: 'Risk-compensation fund', kind: 'money', value: f.riskCompensationFund }, shown),
      tile({ id: 'subsidy-owed', zh: '应付未付保费补贴', en: 'Subsidy owed', kind: 'money', value: f.subsidyOwed, note: '资金不足暂欠保险公司 Owed to insurers for want of funds' }, shown),
      tile({ id: 'compensation-shortfall', zh: '风险补偿缺口', en: 'Compensation shortfall', kind: 'money', value: f.compensationShortfall, note: '已批准未支付 Approved, not yet paid' }, shown),
    );
    if (f.riskReserves && f.riskReserves.length) {
      funds.append(
        tile(
          {
            id: 'risk-reserves',
            zh: '保险公司风险准备金',
            en: 'Insurers\u2019 risk reserves',
            subs: f.riskReserves.map((r) => ({ id: 'risk-reserve-' + r.insurer.id, zh: r.insurer.name, en: '', kind: 'money', value: r.balance })),
          },
          shown,
        ),
      );
    }
  }

  function withheldNote(noteEl, cells) {
    noteEl.replaceChildren();
    const hidden = cells.filter((c) => c.suppressed);
    if (!hidden.length) return;
    noteEl.append(
      withheldChip(),
      ` 以下分组数据已隐藏，未在图中显示 Withheld, not charted (${hidden.length}): `,
    );
    hidden.forEach((c, i) => {
      if (i) noteEl.append('、');
      noteEl.append(el('span', { class: 'withheld-key', 'data-testid': 'withheld-' + (c.key || 'unknown'), text: cellLabel(c) }));
    });
  }

  function chartOptions(extra) {
    const reduce = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    return Object.assign(
      {
        responsive: true,
        maintainAspectRatio: false,
        animation: reduce ? false : { duration: 450 },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } } },
      },
      extra,
    );
  }

  function upsertChart(key, canvas, config, cells) {
    if (state.charts[key]) state.charts[key].destroy();
    state.charts[key] = new window.Chart(canvas, config);
    // An empty selection says so rather than showing bare axes.
    const empty = !cells.some((c) => Number(c.disbursed || 0) !== 0 || Number(c.loans || 0) !== 0);
    const box = canvas.parentElement;
    let msg = box.querySelector('.chart-empty');
    if (!msg) {
      msg = el('p', { class: 'chart-empty', 'data-testid': canvas.id + '-empty', text: '暂无数据 No data for this selection' });
      box.append(msg);
    }
    msg.hidden = !empty;
  }

  function renderCharts(pm, shown) {
    if (!window.Chart) throw new Error('Chart.js did not load');
    const ch = window.Chart;
    ch.defaults.font.family = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", system-ui, sans-serif';
    ch.defaults.color = '#4a5568';

    // Monthly: amount bars and a loans line on a second axis.
    const months = pm.monthly.filter((c) => !c.suppressed);
    const monthMoney = months.map((c) => c.disbursed);
    upsertChart('monthly', $('chart-monthly'), {
      type: 'bar',
      data: {
        labels: months.map(cellLabel),
        datasets: [
          { type: 'bar', label: '放款金额 Disbursed (CNY)', data: months.map((c) => Number(c.disbursed ?? 0)), backgroundColor: 'rgba(31, 78, 140, 0.78)', borderRadius: 3, yAxisID: 'y', order: 2 },
          { type: 'line', label: '贷款笔数 Loans', data: months.map((c) => c.loans ?? 0), borderColor: '#e9a03b', backgroundColor: '#e9a03b', pointRadius: 2.5, tension: 0.25, yAxisID: 'y1', order: 1 },
        ],
      },
      options: chartOptions({
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
          y: { beginAtZero: true, position: 'left', title: { display: true, text: '元 CNY' }, ticks: { callback: fmtAxisMoney } },
          y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: '笔 Loans' }, ticks: { precision: 0 } },
        },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12, sort: (a, b) => a.datasetIndex - b.datasetIndex } },
          tooltip: { callbacks: { label: (ctx) => (ctx.datasetIndex === 0 ? `${ctx.dataset.label}: ${fmtMoney(monthMoney[ctx.dataIndex])}` : `${ctx.dataset.label}: ${fmtInt(ctx.raw)}`) } },
        },
      }),
    }, months);
    withheldNote($('note-monthly'), pm.monthly);
    shown.series.monthly = pm.monthly.map((c) => ({ key: c.key, label: cellLabel(c), suppressed: !!c.suppressed, disbursed: c.disbursed, loans: c.loans }));

    // By county: horizontal bars (sixteen Chinese place names read better down the side).
    const counties = pm.byCounty.filter((c) => !c.suppressed);
    const countyMoney = counties.map((c) => c.disbursed);
    upsertChart('county', $('chart-county'), {
      type: 'bar',
      data: {
        labels: counties.map(cellLabel),
        datasets: [{ label: '放款金额 Disbursed (CNY)', data: counties.map((c) => Number(c.disbursed ?? 0)), backgroundColor: 'rgba(42, 157, 143, 0.8)', borderRadius: 3 }],
      },
      options: chartOptions({
        indexAxis: 'y',
        scales: { x: { beginAtZero: true, ticks: { callback: fmtAxisMoney } }, y: { grid: { display: false }, ticks: { autoSkip: false } } },
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${fmtMoney(countyMoney[ctx.dataIndex])}` } } },
      }),
    }, counties);
    withheldNote($('note-county'), pm.byCounty);
    shown.series.county = pm.byCounty.map((c) => ({ key: c.key, label: cellLabel(c), suppressed: !!c.suppressed, disbursed: c.disbursed }));

    // By category: doughnut of amounts.
    const cats = pm.byCategory.filter((c) => !c.suppressed);
    const catMoney = cats.map((c) => c.disbursed);
    upsertChart('category', $('chart-category'), {
      type: 'doughnut',
      data: {
        labels: cats.map(categoryLabel),
        datasets: [{ label: '放款金额 Disbursed (CNY)', data: cats.map((c) => Number(c.disbursed ?? 0)), backgroundColor: cats.map((_, i) => PALETTE[i % PALETTE.length]), borderColor: '#fff', borderWidth: 2 }],
      },
      options: chartOptions({
        cutout: '58%',
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } }, tooltip: { callbacks: { label: (ctx) => `${ctx.label}: ${fmtMoney(catMoney[ctx.dataIndex])}` } } },
      }),
    }, cats);
    withheldNote($('note-category'), pm.byCategory);
    shown.series.category = pm.byCategory.map((c) => ({ key: c.key, label: categoryLabel(c), suppressed: !!c.suppressed, disbursed: c.disbursed }));
  }

  function renderLeague(pm, shown) {
    const body = $('league-body');
    body.replaceChildren();
    if (!pm.leagueTable.length) {
      body.append(el('tr', {}, el('td', { colspan: '7', class: 'empty', text: '无数据 No data' })));
      return;
    }
    for (const r of pm.leagueTable) {
      const id = r.institution.id;
      const c = r.cell;
      const s = !!c.suppressed;
      const p = 'league-row-' + id;
      const tr = el(
        'tr',
        { 'data-testid': p, class: s ? 'row-withheld' : undefined },
        num('td', p + '-rank', 'int', r.rank, false, 'n rank'),
        el(
          'th',
          { scope: 'row', class: 'inst' },
          el('span', { class: 'inst-name', 'data-testid': p + '-name', text: r.institution.name }),
          el('span', { class: 'badge badge-' + String(r.institution.kind).toLowerCase(), text: KIND_LABEL[r.institution.kind] || r.institution.kind }),
        ),
        num('td', p + '-loans', 'int', c.loans, s, 'n'),
        num('td', p + '-disbursed', 'money', c.disbursed, s, 'n'),
        num('td', p + '-default-rate', 'rate', c.defaultRate, s, 'n'),
        num('td', p + '-loss-ratio', 'rate', c.lossRatio, s, 'n'),
        num('td', p + '-claims-paid', 'money', c.claimsPaid, s, 'n'),
      );
      body.append(tr);
      shown.league.push({
        rank: r.rank,
        id,
        name: r.institution.name,
        kind: r.institution.kind,
        suppressed: s,
        loans: c.loans,
        disbursed: c.disbursed,
        defaultRate: c.defaultRate,
        lossRatio: c.lossRatio,
        claimsPaid: c.claimsPaid,
      });
    }
  }

  // ---------------------------------------------------------------------------------------
  // CSV export: exactly what is shown, numbers as the API returned them.

  function csvField(v, isText) {
    let s = v === null || v === undefined ? '' : String(v);
    // Spreadsheet formula injection: text from the API must not start a formula.
    if (isText && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function csvValue(v, suppressed) {
    return suppressed ? 'withheld' : v === null || v === undefined ? '' : String(v);
  }

  function buildCsv(shown) {
    const rows = [];
    const row = (...fields) => rows.push(fields.map((f) => (Array.isArray(f) ? csvField(f[0], true) : csvField(f, false))).join(','));
    row(['项目监测看板 Programme metrics']);
    row('generatedAt', shown.generatedAt);
    row('filter', [describeFilter(shown.filter)]);
    row('minimumCellSize', shown.minimumCellSize);
    row('referenceGuaranteeCost', shown.referenceGuaranteeCost);
    rows.push('');
    row(['[kpis] 核心指标与资金余额 Key figures and fund balances']);
    row('id', 'metric', 'value');
    for (const k of shown.kpis) row(k.id, [k.label], csvValue(k.value, k.suppressed));
    rows.push('');
    row(['[monthly] 月度放款 Monthly disbursement']);
    row('key', 'label', 'disbursed', 'loans');
    for (const c of shown.series.monthly) row([c.key], [c.label], csvValue(c.disbursed, c.suppressed), csvValue(c.loans, c.suppressed));
    rows.push('');
    row(['[byCounty] 按区县放款 Disbursed by county']);
    row('key', 'label', 'disbursed');
    for (const c of shown.series.county) row([c.key], [c.label], csvValue(c.disbursed, c.suppressed));
    rows.push('');
    row(['[byCategory] 按借款人类别放款 Disbursed by borrower category']);
    row('key', 'label', 'disbursed');
    for (const c of shown.series.category) row([c.key], [c.label], csvValue(c.disbursed, c.suppressed));
    rows.push('');
    row(['[leagueTable] 机构排名 Institution league table']);
    row('rank', 'institutionId', 'institution', 'kind', 'loans', 'disbursed', 'defaultRate', 'lossRatio', 'claimsPaid');
    for (const r of shown.league) {
      const s = r.suppressed;
      row(r.rank, [r.id], [r.name], r.kind, csvValue(r.loans, s), csvValue(r.disbursed, s), csvValue(r.defaultRate, s), csvValue(r.lossRatio, s), csvValue(r.claimsPaid, s));
    }
    // BOM: spreadsheet programs then read the Chinese labels as UTF-8.
    return '\uFEFF' + rows.join('\r\n') + '\r\n';
  }

  function exportCsv() {
    if (!state.shown) {
      $('status').textContent = '没有可导出的数据 Nothing to export yet';
      return;
    }
    const blob = new Blob([buildCsv(state.shown)], { type: 'text/csv;charset=utf-8' });
    const href = URL.createObjectURL(blob);
    const stamp = String(state.shown.generatedAt || '').replace(/[:.]/g, '-').replace(/[^0-9TZ-]/g, '');
    const a = el('a', { href, download: `programme-metrics-${stamp || 'export'}.csv`, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 60_000);
  }

  // ---------------------------------------------------------------------------------------

  function init() {
    $('signin-form').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', signOut);
    $('filters').addEventListener('change', () => load());
    $('filters').addEventListener('submit', (e) => e.preventDefault());
    // A reset changes the controls after the event; re-query once it has.
    $('filters').addEventListener('reset', () => setTimeout(load, 0));
    $('export-csv').addEventListener('click', exportCsv);

    let saved = null;
    try {
      saved = sessionStorage.getItem(TOKEN_KEY);
    } catch {
      /* ignore */
    }
    if (saved) {
      state.token = saved;
      showSignedIn();
      load();
    } else {
      document.body.dataset.state = 'signed-out';
      $('token-input').focus();
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
