/* Formatting. Money and rates arrive as decimal strings and are never turned into floats
 * for display (only chart geometry uses Number()). */

function groupThousands(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "300000000.00" → "300,000,000.00" */
export function fmtMoney(v) {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(v));
  if (!m) return String(v);
  return m[1] + groupThousands(m[2]) + (m[3] !== undefined ? '.' + m[3] : '');
}

export function fmtInt(v) {
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

export const FORMAT = { money: fmtMoney, int: fmtInt, rate: fmtRate, ratio: fmtRatio };

/** Axis ticks in 万 / 亿, the units the bureau reads. */
export function fmtAxisMoney(v) {
  const n = Number(v);
  if (Math.abs(n) >= 1e8) return (n / 1e8).toLocaleString('zh-CN', { maximumFractionDigits: 2 }) + '亿';
  if (Math.abs(n) >= 1e4) return (n / 1e4).toLocaleString('zh-CN', { maximumFractionDigits: 1 }) + '万';
  return n.toLocaleString('zh-CN');
}
