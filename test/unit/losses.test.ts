import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import {
  allocateProRata,
  compensationOwed,
  lossBorne,
  payFromFund,
  recoveryShares,
  splitLoss,
  stillOwed,
  unrecovered,
} from '../../src/modules/losses/rules.js';

const sum = (r: Record<string, string>) =>
  Object.values(r)
    .reduce((s, v) => s.plus(v), new Decimal(0))
    .toFixed(2);

describe('the 80:20 split', () => {
  it('splits the seed loan exactly', () => {
    expect(splitLoss('300000.00', '0.80')).toEqual({ insurer: '240000.00', bank: '60000.00' });
  });
  it('keeps odd amounts whole: the insurer half-up, the bank the remainder', () => {
    expect(splitLoss('0.01', '0.8')).toEqual({ insurer: '0.01', bank: '0.00' });
    expect(splitLoss('0.03', '0.8')).toEqual({ insurer: '0.02', bank: '0.01' }); // 0.024 → 0.02
    expect(splitLoss('12345.67', '0.8')).toEqual({ insurer: '9876.54', bank: '2469.13' }); // 9876.536
    expect(splitLoss('99999.99', '0.8')).toEqual({ insurer: '79999.99', bank: '20000.00' }); // 79999.992
    for (const x of ['0.01', '0.05', '1.11', '7.77', '123456.79', '299999.99', '100000.03']) {
      const s = splitLoss(x, '0.8');
      expect(new Decimal(s.insurer).plus(s.bank).toFixed(2)).toBe(new Decimal(x).toFixed(2));
    }
  });
});

describe('risk compensation', () => {
  it('pays the ratio of the insurer’s net loss', () => {
    expect(compensationOwed({ insurerPaid: '240000.00', insurerRecovered: '0.00', ratio: '0.5', quota: '200000.00' })).toEqual({
      netLoss: '240000.00',
      owed: '120000.00',
    });
  });
  it('is limited by the per-loan quota', () => {
    expect(compensationOwed({ insurerPaid: '240000.00', insurerRecovered: '0.00', ratio: '0.5', quota: '100000.00' }).owed).toBe(
      '100000.00',
    );
    expect(compensationOwed({ insurerPaid: '200000.00', insurerRecovered: '0.00', ratio: '0.5', quota: '100000.00' }).owed).toBe(
      '100000.00',
    );
    expect(compensationOwed({ insurerPaid: '200000.02', insurerRecovered: '0.00', ratio: '0.5', quota: '100000.00' }).owed).toBe(
      '100000.00',
    );
    expect(compensationOwed({ insurerPaid: '199999.98', insurerRecovered: '0.00', ratio: '0.5', quota: '100000.00' }).owed).toBe(
      '99999.99',
    );
  });
  it('deducts what the insurer already recovered', () => {
    expect(compensationOwed({ insurerPaid: '80000.00', insurerRecovered: '20000.00', ratio: '0.5', quota: '100000.00' })).toEqual({
      netLoss: '60000.00',
      owed: '30000.00',
    });
  });
  it('pays only what the fund holds, recording the shortfall', () => {
    expect(payFromFund('30000.00', '50000.00')).toEqual({ paid: '30000.00', shortfall: '0.00' });
    expect(payFromFund('30000.00', '30000.00')).toEqual({ paid: '30000.00', shortfall: '0.00' });
    expect(payFromFund('30000.00', '29999.99')).toEqual({ paid: '29999.99', shortfall: '0.01' });
    expect(payFromFund('30000.00', '0.00')).toEqual({ paid: '0.00', shortfall: '30000.00' });
  });
});

describe('pro-rata allocation', () => {
  it('sums exactly and gives remainders to the largest fractions', () => {
    expect(allocateProRata('1.00', { a: '1', b: '1', c: '1' })).toEqual({ a: '0.34', b: '0.33', c: '0.33' });
    expect(allocateProRata('0.01', { a: '20', b: '80' })).toEqual({ a: '0.00', b: '0.01' });
    for (const amount of ['0.01', '0.07', '100.00', '33333.33', '99999.99']) {
      const r = allocateProRata(amount, { bank: '60000.00', insurer: '120000.00', fund: '120000.00' });
      expect(sum(r)).toBe(amount);
    }
  });
});

describe('the recovery waterfall', () => {
  // loss 300,000: bank 60,000 (20%), insurer paid 240,000 and the fund compensated 100,000
  const bore = lossBorne({ bankAmount: '60000.00', insurerAmount: '240000.00', compensationPaid: '100000.00' });
  const none = { bank: '0.00', insurer: '0.00', fund: '0.00' };

  it('knows who bore what', () => {
    expect(bore).toEqual({ bank: '60000.00', insurer: '140000.00', fund: '100000.00' });
  });

  it('shares a partial recovery in proportion to the loss', () => {
    expect(recoveryShares('30000.00', { bore, recovered: none })).toEqual({ bank: '6000.00', insurer: '14000.00', fund: '10000.00' });
  });

  it('after partial recoveries, a full recovery returns each exactly what it lost', () => {
    let recovered = { ...none };
    for (const amount of ['30000.00', '12345.67', '0.01']) {
      const s = recoveryShares(amount, { bore, recovered })!;
      expect(sum(s)).toBe(amount);
      recovered = {
        bank: new Decimal(recovered.bank).plus(s.bank).toFixed(2),
        insurer: new Decimal(recovered.insurer).plus(s.insurer).toFixed(2),
        fund: new Decimal(recovered.fund).plus(s.fund).toFixed(2),
      };
    }
    const rest = unrecovered({ bore, recovered });
    const last = recoveryShares(sum(rest), { bore, recovered })!;
    expect(last).toEqual(rest);
    expect(new Decimal(recovered.bank).plus(last.bank).toFixed(2)).toBe('60000.00');
    expect(new Decimal(recovered.insurer).plus(last.insurer).toFixed(2)).toBe('140000.00');
    expect(new Decimal(recovered.fund).plus(last.fund).toFixed(2)).toBe('100000.00');
  });

  it('refuses more than the unrecovered loss', () => {
    expect(recoveryShares('300000.01', { bore, recovered: none })).toBeNull();
    expect(recoveryShares('300000.00', { bore, recovered: none })).toEqual(bore);
  });

  it('before compensation, shares between bank and insurer only', () => {
    const early = lossBorne({ bankAmount: '60000.00', insurerAmount: '240000.00', compensationPaid: '0.00' });
    expect(recoveryShares('10000.00', { bore: early, recovered: none })).toEqual({ bank: '2000.00', insurer: '8000.00', fund: '0.00' });
  });
});

describe('what the borrower still owes each side (the shared record)', () => {
  const claim = {
    bankAmount: '20000.00',
    insurerAmount: '80000.00',
    recoveredBank: '0.00',
    recoveredInsurer: '0.00',
    recoveredFund: '0.00',
  };

  it('after the claim: the bank its 20%, the insurer the 80% it paid', () => {
    expect(stillOwed(claim)).toEqual({ bank: '20000.00', insurer: '80000.00' });
  });

  it('compensation does not change the debt: the insurer and the fund are owed together what the insurer paid', () => {
    // 30,000 compensation, then 10,000 recovered: bank 2,000, insurer 5,000, fund 3,000
    expect(stillOwed({ ...claim, recoveredBank: '2000.00', recoveredInsurer: '5000.00', recoveredFund: '3000.00' })).toEqual({
      bank: '18000.00',
      insurer: '72000.00',
    });
  });

  it('reaches 0 on both sides when everything is recovered, never below', () => {
    expect(stillOwed({ ...claim, recoveredBank: '20000.00', recoveredInsurer: '50000.00', recoveredFund: '30000.00' })).toEqual({
      bank: '0.00',
      insurer: '0.00',
    });
    expect(stillOwed({ ...claim, recoveredBank: '20000.01' }).bank).toBe('0.00');
  });
});
