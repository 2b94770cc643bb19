/* Bilingual labels for categories, sectors, institution kinds and metric cells. */

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

export function sectorLabel(c) {
  if (c.label && c.label !== c.key) return c.label;
  return SECTOR_ZH[c.key] ? `${SECTOR_ZH[c.key]} ${c.key}` : c.key;
}

export function categoryLabel(c) {
  if (CATEGORY_ZH[c.key]) return `${CATEGORY_ZH[c.key]} ${CATEGORY_EN[c.key]}`;
  return c.label || c.key || '';
}

export function cellLabel(c) {
  return c.label || c.key || '';
}
