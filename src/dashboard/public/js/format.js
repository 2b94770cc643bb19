/* Formatting. Money and rates arrive as decimal strings and are never turned into floats
 * for display (only chart geometry uses Number()). Fiscal readers count in 万元 and 亿元: money
 * is shown in those units, rounded half away from zero to two decimals, with the exact yuan
 * figure on hover (the title attribute) and in the CSV. */

function groupThousands(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A money string as fen (BigInt), or null when it is not a decimal. */
function toFen(v) {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(String(v));
  if (!m) return null;
  const frac = (m[3] || '').padEnd(2, '0');
  // more than two decimals: rounded half away from zero to the fen
  let fen = BigInt(m[2] + frac.slice(0, 2));
  if (frac.length > 2 && Number(frac[2]) >= 5) fen += 1n;
  return m[1] && fen !== 0n ? -fen : fen;
}

/** `fen` ÷ `per` (a power of ten), rounded half away from zero, as "1,234.56". */
function scaled(fen, per) {
  const neg = fen < 0n;
  const abs = neg ? -fen : fen;
  const units = (abs * 100n + per / 2n) / per; // hundredths of the unit
  const s = units.toString().padStart(3, '0');
  return (neg && units !== 0n ? '-' : '') + groupThousands(s.slice(0, -2)) + '.' + s.slice(-2);
}

const WAN = 1_000_000n; // fen in 1 万元
const YI = 10_000_000_000n; // fen in 1 亿元

/** The exact figure: "300000000.00" → "300,000,000.00元" */
export function fmtYuan(v) {
  const fen = toFen(v);
  return fen === null ? String(v) : scaled(fen, 100n) + '元';
}

/** In the unit a fiscal reader expects: ≥ 1亿 in 亿元, ≥ 1万 in 万元, else 元. */
export function fmtMoney(v) {
  const fen = toFen(v);
  if (fen === null) return String(v);
  const abs = fen < 0n ? -fen : fen;
  if (abs >= YI) return scaled(fen, YI) + '亿元';
  if (abs >= WAN) return scaled(fen, WAN) + '万元';
  return scaled(fen, 100n) + '元';
}

/** In 万元 without the unit (a table column whose header names it). */
export function fmtWan(v) {
  const fen = toFen(v);
  return fen === null ? String(v) : scaled(fen, WAN);
}

export function fmtInt(v) {
  const m = /^(-?)(\d+)$/.exec(String(v));
  return m ? m[1] + groupThousands(m[2]) : String(v);
}

/** "0.088" → "8.80%", rounded half away from zero on the decimal string itself. */
export function fmtRate(v) {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(String(v));
  if (!m) return String(v);
  const frac = m[3] || '';
  const digits = BigInt(m[2] + frac);
  let s4; // the percentage × 100, i.e. value × 10^4
  if (frac.length <= 4) s4 = digits * 10n ** BigInt(4 - frac.length);
  else {
    const d = 10n ** BigInt(frac.length - 4);
    s4 = (digits + d / 2n) / d;
  }
  const s = s4.toString().padStart(3, '0');
  const sign = m[1] && s4 !== 0n ? '-' : '';
  return sign + groupThousands(s.slice(0, -2)) + '.' + s.slice(-2) + '%';
}

function fmtRatio(v) {
  return String(v) + '×';
}

function fmtMonths(v) {
  return String(v) + '个月';
}

/** Display by kind; `money` and `wan` also carry the exact yuan figure as a title (see dom.js num). */
export const FORMAT = { money: fmtMoney, wan: fmtWan, int: fmtInt, rate: fmtRate, ratio: fmtRatio, months: fmtMonths };

/** Axis ticks in 万 / 亿, the units the bureau reads (chart geometry only). */
export function fmtAxisMoney(v) {
  const n = Number(v);
  if (Math.abs(n) >= 1e8) return (n / 1e8).toLocaleString('zh-CN', { maximumFractionDigits: 2 }) + '亿';
  if (Math.abs(n) >= 1e4) return (n / 1e4).toLocaleString('zh-CN', { maximumFractionDigits: 1 }) + '万';
  return n.toLocaleString('zh-CN');
}
