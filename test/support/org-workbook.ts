/**
 * The header row of the org workbook's 问题类别 sheet, spelled out here (not taken from src) so the tests check the
 * words people see.
 */
export const CATEGORY_HEADERS = [
  "类别编码",
  "类别名称",
  "指标类型",
  "部件/事件",
  "问题分类",
  "标准大类",
  "标准小类",
  "关键词",
  "整改时限",
  "街道时限",
  "需整改照片",
  "默认部门",
];
