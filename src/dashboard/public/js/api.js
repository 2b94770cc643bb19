/* GraphQL: the dashboard's one query, sent with the signed-in user's token. */

import { state } from './state.js';

const ENDPOINT = '/graphql';

export const QUERY = `query Metrics($f: MetricsFilter) {
  programmeMetrics(filter: $f) {
    minimumCellSize referenceGuaranteeCost generatedAt
    period { from to }
    leverage { creditDisbursed governmentMoney ratio }
    governmentMoney { premiumSubsidy riskCompensation total through }
    fundRunway { fundBalance since monthlyCredit defaultRate insurerShare compensationRatio monthlyDemand months }
    funds { premiumSubsidyFund riskCompensationFund subsidyOwed compensationShortfall riskReserves { insurer { id name } balance } }
    totals { ...Cell }
    monthly { ...Cell } byCounty { ...Cell } byCategory { ...Cell } bySector { ...Cell }
    bankLeague { ...Row } insurerLeague { ...Row }
  }
  institutions { id name kind }
}
fragment Row on LeagueRow { rank institution { id name kind } cell { ...Cell } }
fragment Cell on MetricCell { key label suppressed applications approvals approvalRate loans disbursed outstanding borrowersReached averageInterestRate averagePremiumRate averageFinancingCost savingsVsGuaranteeCompany defaults defaultedAmount defaultRate claimsPaid compensationPaid recoveries premiums premiumSubsidy lossRatio }`;

export class ApiError extends Error {
  constructor(errors, status) {
    super(errors.map((e) => e.message).join('; '));
    this.errors = errors;
    this.status = status;
    this.code = (errors[0] && errors[0].extensions && errors[0].extensions.code) || null;
  }
}

export async function gql(query, variables) {
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
    throw new ApiError(
      [{ message: `HTTP ${res.status} ${res.statusText}`.trim(), extensions: { code: 'HTTP_' + res.status } }],
      res.status,
    );
  }
  return body.data;
}
