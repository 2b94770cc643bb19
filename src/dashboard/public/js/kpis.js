/* Key figures of the selection (the filter applies): credit, reach, pricing, losses. */

import { $ } from './dom.js';
import { tile } from './tiles.js';

export function renderKpis(pm, shown) {
  const c = pm.totals;
  const s = !!c.suppressed;
  const kpis = $('kpis');
  kpis.replaceChildren();
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
}
