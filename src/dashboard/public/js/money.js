/* The money story: leverage, the government money split between the two funds, how long the
 * risk-compensation fund lasts, and the funds' balances. */

import { $, el } from './dom.js';
import { fmtMoney, fmtRate, fmtYuan } from './format.js';
import { tile } from './tiles.js';

function leverageNote(pm, filter) {
  const lev = pm.leverage;
  const through = pm.governmentMoney.through;
  if (!lev)
    return '按区县、类别、行业或机构筛选时不计算撬动倍数：财政资金服务于整个项目。Not computed under a county, category, sector or institution filter: the government money serves the whole programme.';
  if (lev.ratio === null) return `截至 ${through} 尚无财政资金注入。No government money paid in by ${through}.`;
  if (filter.year !== undefined)
    return `${filter.year}年放款 ÷ 截至 ${through} 财政累计注入两项资金。Credit disbursed in ${filter.year} ÷ government money paid into the two funds by ${through}.`;
  return '累计放款 ÷ 财政累计注入两项资金。All credit disbursed ÷ all government money paid into the two funds.';
}

/** Two bars in proportion (geometry only: the figures themselves are the tile's). */
function splitBar(gm) {
  const a = Number(gm.premiumSubsidy);
  const b = Number(gm.riskCompensation);
  const bar = el('div', { class: 'split-bar', 'data-testid': 'gov-split-bar', 'aria-hidden': 'true' });
  if (a + b <= 0) return bar;
  const part = (cls, v, zh) => {
    const seg = el('span', { class: 'split-seg ' + cls, title: `${zh} ${fmtYuan(v)}` });
    seg.style.width = (Number(v) / (a + b)) * 100 + '%';
    return seg;
  };
  bar.append(part('split-subsidy', gm.premiumSubsidy, '保费补贴资金'), part('split-compensation', gm.riskCompensation, '风险补偿资金'));
  return bar;
}

function runwayMethod(r) {
  if (!r) return '';
  const m = fmtMoney;
  const share = fmtRate(r.insurerShare);
  const ratio = fmtRate(r.compensationRatio);
  const rate = r.defaultRate === null ? '—' : fmtRate(r.defaultRate);
  return (
    `可支撑月数 = 风险补偿资金余额 ${m(r.fundBalance)} ÷ 月均补偿需求 ${r.monthlyDemand === null ? '—' : m(r.monthlyDemand)}。` +
    `月均补偿需求 = 月均放款 ${m(r.monthlyCredit)}（${r.since} 以来累计放款 ÷ 运行月数）× 当前违约率 ${rate} × 保险公司先行赔付比例 ${share} × 风险补偿比例 ${ratio}；` +
    '未计单笔补偿限额与追偿回收，需求只会偏高。全项目口径，不受筛选影响。\n' +
    `Months covered = the risk-compensation fund's balance ÷ the monthly compensation demand, where demand = average monthly credit ` +
    `(all credit since ${r.since} ÷ the months since) × the current default rate × the insurer's share of a default (${share}) × ` +
    `the compensation ratio (${ratio}). Per-loan quotas and recoveries are left out, so the demand is if anything overstated. ` +
    'Whole programme, whatever the filter.'
  );
}

export function renderMoney(pm, filter, shown) {
  const lev = pm.leverage;
  const gm = pm.governmentMoney;
  const r = pm.fundRunway;
  const box = $('money');
  box.replaceChildren(
    tile(
      {
        id: 'leverage',
        zh: '撬动倍数',
        en: 'Leverage',
        kind: 'ratio',
        value: lev ? lev.ratio : null,
        featured: true,
        subs: [
          { id: 'leverage-credit', zh: '放款金额', en: 'Credit disbursed', kind: 'money', value: lev ? lev.creditDisbursed : null },
          { id: 'leverage-government', zh: '财政资金', en: 'Government money', kind: 'money', value: lev ? lev.governmentMoney : null },
        ],
        note: leverageNote(pm, filter),
      },
      shown,
    ),
    tile(
      {
        id: 'gov-total',
        zh: '财政资金投入',
        en: 'Government money paid in',
        kind: 'money',
        value: gm.total,
        wide: true,
        extra: splitBar(gm),
        subs: [
          { id: 'gov-premium-subsidy', zh: '保费补贴资金', en: 'Premium subsidy', kind: 'money', value: gm.premiumSubsidy },
          { id: 'gov-risk-compensation', zh: '风险补偿专项资金', en: 'Risk compensation', kind: 'money', value: gm.riskCompensation },
        ],
        note: `截至 ${gm.through} 累计注入，不受区县等筛选影响 Paid in by ${gm.through}, whatever the dimension filter`,
      },
      shown,
    ),
    tile(
      {
        id: 'runway',
        zh: '风险补偿资金可支撑',
        en: 'Compensation fund runway',
        kind: 'months',
        value: r ? r.months : null,
        title: runwayMethod(r),
        method: runwayMethod(r),
        subs: r
          ? [
              { id: 'runway-fund', zh: '资金余额', en: 'Fund balance', kind: 'money', value: r.fundBalance },
              { id: 'runway-demand', zh: '月均补偿需求', en: 'Demand a month', kind: 'money', value: r.monthlyDemand },
              { id: 'runway-credit', zh: '月均放款', en: 'Credit a month', kind: 'money', value: r.monthlyCredit },
              { id: 'runway-default-rate', zh: '当前违约率', en: 'Default rate', kind: 'rate', value: r.defaultRate },
            ]
          : [],
        note: !r
          ? '项目总量已隐藏，不作估算 Programme totals withheld: no estimate'
          : r.months === null
            ? '当前违约率下无补偿需求 No compensation demand at the current default rate'
            : '按当前违约率估算，悬停或展开查看方法 At the current default rate; hover or open for the method',
      },
      shown,
    ),
  );

  const f = pm.funds;
  const funds = $('funds');
  funds.replaceChildren(
    tile(
      { id: 'fund-premium-subsidy', zh: '保费补贴资金余额', en: 'Premium-subsidy fund', kind: 'money', value: f.premiumSubsidyFund },
      shown,
    ),
    tile(
      { id: 'fund-risk-compensation', zh: '风险补偿资金余额', en: 'Risk-compensation fund', kind: 'money', value: f.riskCompensationFund },
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
          subs: f.riskReserves.map((x) => ({
            id: 'risk-reserve-' + x.insurer.id,
            zh: x.insurer.name,
            en: '',
            kind: 'money',
            value: x.balance,
          })),
        },
        shown,
      ),
    );
  }
}
