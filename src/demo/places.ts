/** Zhangjiakou's districts and counties with their administrative division codes. */
export const COUNTIES: readonly { name: string; code: string; weight: number }[] = [
  { name: '桥东区', code: '130702', weight: 5 },
  { name: '桥西区', code: '130703', weight: 5 },
  { name: '宣化区', code: '130705', weight: 8 },
  { name: '下花园区', code: '130706', weight: 2 },
  { name: '万全区', code: '130708', weight: 5 },
  { name: '崇礼区', code: '130709', weight: 5 },
  { name: '张北县', code: '130722', weight: 9 },
  { name: '康保县', code: '130723', weight: 6 },
  { name: '沽源县', code: '130724', weight: 5 },
  { name: '尚义县', code: '130725', weight: 5 },
  { name: '蔚县', code: '130726', weight: 9 },
  { name: '阳原县', code: '130727', weight: 6 },
  { name: '怀安县', code: '130728', weight: 5 },
  { name: '怀来县', code: '130730', weight: 8 },
  { name: '涿鹿县', code: '130731', weight: 7 },
  { name: '赤城县', code: '130732', weight: 6 },
];

export const SECTORS_BY_CATEGORY = {
  RURAL_HOUSEHOLD: [
    ['breeding', 5],
    ['planting', 5],
  ],
  STARTUP_MICRO_ENTERPRISE: [
    ['breeding', 2],
    ['planting', 2],
    ['pre-school education', 2],
    ['retail', 3],
    ['tourism', 3],
    ['catering', 2],
    ['logistics', 1],
    ['handicrafts', 1],
  ],
  INDIVIDUAL_ENTREPRENEUR: [
    ['retail', 4],
    ['catering', 3],
    ['tourism', 2],
    ['pre-school education', 1],
    ['handicrafts', 2],
    ['breeding', 1],
  ],
} as const;

export const SECTOR_WORD: Record<string, string> = {
  breeding: '养殖',
  planting: '种植',
  'pre-school education': '幼教',
  retail: '商贸',
  tourism: '旅游',
  catering: '餐饮',
  logistics: '物流',
  handicrafts: '手工艺',
};

export const SURNAMES =
  '王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤';
export const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红海燕玉兰春梅晓东文斌宏亮丹凤云飞雪松立新永庆宝山金凤淑珍振华';
export const FIRM_WORDS = [
  '坝上',
  '草原',
  '长城',
  '塞北',
  '桑干',
  '洋河',
  '燕山',
  '云顶',
  '冰雪',
  '丰泽',
  '禾丰',
  '瑞祥',
  '鑫源',
  '福满',
  '青禾',
];
