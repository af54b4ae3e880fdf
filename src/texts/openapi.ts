/**
 * The Chinese descriptions in the OpenAPI document of the Open311 GeoReport v2 API and the GeoJSON feed
 * (/open311/v2/openapi.json): the people wiring up 12345 and the 城运平台 read them.
 */
export const OPENAPI_TEXTS = {
  title: "日清 Open311 GeoReport v2 接口",
  about:
    "供 12345 热线、城运平台等系统查询和提交创城问题。字段与 GeoReport v2 规范一致（http://wiki.open311.org/GeoReport_v2），日清的扩展字段在 x_riqing 中。每个调用都需要 api_key（管理员用 riqing apikey create 创建），只能看到密钥所属单位的问题。",

  // Answers.
  errorList: "GeoReport v2 的错误格式",
  badRequest: "参数有误",
  forbidden: "缺少 api_key、api_key 无效或无权操作",
  rateLimited: "超过该 api_key 每分钟的调用次数（见 Retry-After）",
  notFound: "没有这个问题，或不在密钥的范围内",

  // Parameters and fields.
  apiKey: "接口密钥；也可放在请求头 X-Api-Key 或 Authorization: Bearer 中",
  requestIds: "问题编号，多个用逗号分隔；给出时忽略其他条件",
  serviceCodes: "问题类别编码，多个用逗号分隔",
  startDate: "上报时间不早于（W3C 格式，带时区）；与 end_date 间隔不超过 90 天，都不填为最近 90 天",
  endDate: "上报时间不晚于（W3C 格式，带时区）",
  statuses: "open 或 closed，多个用逗号分隔",
  requestId: "问题编号（即群里的 #编号）",
  statusNotes: "状态说明，如“整改中”“不予受理：原因”",
  agencyResponsible: "负责单位：派往的部门，否则为网格",
  expected: "整改期限",
  address: "点位，网格，社区，街道",
  addressId: "点位编码或网格编码",
  mediaUrl: "第一张照片的签名链接（24 小时内有效）",
  extension: "日清的扩展字段",
  boardState: "挂图颜色：新、处置中、待核查、超期、挂账",
  source: "其他系统提交的问题：系统名称与工单号",
  kind: "动态 / 静态",
  class: "工程 / 整治 / 执法 / 管理",
  serviceCode: "问题类别编码；不填时按描述中的关键词识别",
  addressString: "地址或点位名称",
  ticket: "来源系统的工单号；同一密钥同一工单号只登记一次",

  // Operations and their answers.
  services: "问题类别目录",
  serviceList: "类别列表；group 为问题分类（工程/整治/执法/管理）",
  query: "查询问题（最多 1000 条，新的在前）",
  requestList: "问题列表",
  submit: "提交问题：与群里上报同一流程，发到对应社区工作群并标注来源与工单号；需要可写的 api_key",
  filed: "已登记",
  one: "查询一个问题的当前状态",
  oneList: "只含这个问题的列表",
  geojson: "问题的 GeoJSON（条件同 requests.json），供 GIS 软件使用；没有位置的问题 geometry 为 null",
} as const;
