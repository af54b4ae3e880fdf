/**
 * The OpenAPI 3.1 description of the Open311 GeoReport v2 API and the GeoJSON feed, served at
 * /open311/v2/openapi.json. Field names follow wiki.open311.org/GeoReport_v2; Riqing's own fields are under
 * `x_riqing`. Descriptions are Chinese: the people wiring up 12345 and the 城运平台 read them.
 */

const errorList = {
  type: "array",
  description: "GeoReport v2 的错误格式",
  items: {
    type: "object",
    required: ["code", "description"],
    properties: { code: { type: "integer" }, description: { type: "string" } },
  },
} as const;

const errors = {
  "400": {
    description: "参数有误",
    content: { "application/json": { schema: { $ref: "#/components/schemas/Errors" } } },
  },
  "403": {
    description: "缺少 api_key、api_key 无效或无权操作",
    content: { "application/json": { schema: { $ref: "#/components/schemas/Errors" } } },
  },
  "429": {
    description: "超过该 api_key 每分钟的调用次数（见 Retry-After）",
    content: { "application/json": { schema: { $ref: "#/components/schemas/Errors" } } },
  },
} as const;

/** A 200 answer holding a JSON array of `items`. */
function arrayOf(description: string, items: Record<string, unknown>) {
  return { description, content: { "application/json": { schema: { type: "array", items } } } };
}

const REQUEST_REF = { $ref: "#/components/schemas/Request" };

const keyParam = { $ref: "#/components/parameters/ApiKey" } as const;

const filterParams = [
  keyParam,
  {
    name: "service_request_id",
    in: "query",
    description: "问题编号，多个用逗号分隔；给出时忽略其他条件",
    schema: { type: "string" },
  },
  { name: "service_code", in: "query", description: "问题类别编码，多个用逗号分隔", schema: { type: "string" } },
  {
    name: "start_date",
    in: "query",
    description: "上报时间不早于（W3C 格式，带时区）；与 end_date 间隔不超过 90 天，都不填为最近 90 天",
    schema: { type: "string", format: "date-time" },
  },
  {
    name: "end_date",
    in: "query",
    description: "上报时间不晚于（W3C 格式，带时区）",
    schema: { type: "string", format: "date-time" },
  },
  { name: "status", in: "query", description: "open 或 closed，多个用逗号分隔", schema: { type: "string" } },
] as const;

const request = {
  type: "object",
  properties: {
    service_request_id: { type: "string", description: "问题编号（即群里的 #编号）" },
    status: { type: "string", enum: ["open", "closed"] },
    status_notes: { type: "string", description: "状态说明，如“整改中”“不予受理：原因”" },
    service_name: { type: ["string", "null"] },
    service_code: { type: ["string", "null"] },
    description: { type: "string" },
    agency_responsible: { type: ["string", "null"], description: "负责单位：派往的部门，否则为网格" },
    service_notice: { type: ["string", "null"] },
    requested_datetime: { type: "string", format: "date-time" },
    updated_datetime: { type: "string", format: "date-time" },
    expected_datetime: { type: ["string", "null"], format: "date-time", description: "整改期限" },
    address: { type: "string", description: "点位，网格，社区，街道" },
    address_id: { type: ["string", "null"], description: "点位编码或网格编码" },
    zipcode: { type: "null" },
    lat: { type: ["number", "null"] },
    long: { type: ["number", "null"] },
    media_url: { type: ["string", "null"], description: "第一张照片的签名链接（24 小时内有效）" },
    x_riqing: {
      type: "object",
      description: "日清的扩展字段",
      properties: {
        number: { type: "string" },
        status: { type: "object", properties: { code: { type: "string" }, label: { type: "string" } } },
        board_state: {
          type: ["string", "null"],
          enum: ["new", "in_progress", "awaiting_check", "overdue", "on_books", null],
          description: "挂图颜色：新、处置中、待核查、超期、挂账",
        },
        grid: { type: ["object", "null"], properties: { code: { type: "string" }, name: { type: "string" } } },
        community: { type: ["object", "null"], properties: { code: { type: "string" }, name: { type: "string" } } },
        point: { type: ["string", "null"] },
        source: { type: ["string", "null"], description: "其他系统提交的问题：系统名称与工单号" },
        photos: {
          type: "array",
          items: {
            type: "object",
            properties: { stage: { type: "string", enum: ["before", "after"] }, url: { type: "string" } },
          },
        },
        history: {
          type: "array",
          items: {
            type: "object",
            properties: {
              at: { type: "string", format: "date-time" },
              actor: { type: "string" },
              type: { type: "string" },
              text: { type: "string" },
            },
          },
        },
        indicators: {
          type: "object",
          properties: {
            kind: { type: ["string", "null"], description: "动态 / 静态" },
            class: { type: ["string", "null"], description: "工程 / 整治 / 执法 / 管理" },
            urgent: { type: "boolean" },
            overdue: { type: "boolean" },
            rebound: { type: "boolean" },
            rebound_of: { type: ["string", "null"] },
          },
        },
      },
    },
  },
} as const;

/** The document. */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: {
      title: "日清 Open311 GeoReport v2 接口",
      version: "2.0.0",
      description:
        "供 12345 热线、城运平台等系统查询和提交创城问题。字段与 GeoReport v2 规范一致（http://wiki.open311.org/GeoReport_v2），日清的扩展字段在 x_riqing 中。每个调用都需要 api_key（管理员用 riqing apikey create 创建），只能看到密钥所属单位的问题。",
    },
    servers: [{ url: "/" }],
    components: {
      parameters: {
        ApiKey: {
          name: "api_key",
          in: "query",
          required: false,
          description: "接口密钥；也可放在请求头 X-Api-Key 或 Authorization: Bearer 中",
          schema: { type: "string" },
        },
      },
      schemas: { Errors: errorList, Request: request },
    },
    paths: {
      "/open311/v2/services.json": {
        get: {
          summary: "问题类别目录",
          parameters: [keyParam],
          responses: {
            "200": arrayOf("类别列表；group 为问题分类（工程/整治/执法/管理）", {
              type: "object",
              properties: {
                service_code: { type: "string" },
                service_name: { type: "string" },
                description: { type: "string" },
                metadata: { type: "boolean" },
                type: { type: "string", enum: ["realtime"] },
                keywords: { type: "string" },
                group: { type: "string" },
              },
            }),
            ...errors,
          },
        },
      },
      "/open311/v2/requests.json": {
        get: {
          summary: "查询问题（最多 1000 条，新的在前）",
          parameters: filterParams,
          responses: { "200": arrayOf("问题列表", REQUEST_REF), ...errors },
        },
        post: {
          summary: "提交问题：与群里上报同一流程，发到对应社区工作群并标注来源与工单号；需要可写的 api_key",
          requestBody: {
            required: true,
            content: {
              "application/x-www-form-urlencoded": {
                schema: {
                  type: "object",
                  properties: {
                    api_key: { type: "string" },
                    service_code: { type: "string", description: "问题类别编码；不填时按描述中的关键词识别" },
                    lat: { type: "number" },
                    long: { type: "number" },
                    address_string: { type: "string", description: "地址或点位名称" },
                    address_id: { type: "string", description: "点位编码或网格编码" },
                    description: { type: "string", maxLength: 4000 },
                    media_url: { type: "string" },
                    x_riqing_ticket: { type: "string", description: "来源系统的工单号；同一密钥同一工单号只登记一次" },
                  },
                },
              },
            },
          },
          responses: {
            "200": arrayOf("已登记", {
              type: "object",
              properties: {
                service_request_id: { type: "string" },
                service_notice: { type: "string" },
                account_id: { type: "null" },
              },
            }),
            ...errors,
          },
        },
      },
      "/open311/v2/requests/{id}.json": {
        get: {
          summary: "查询一个问题的当前状态",
          parameters: [keyParam, { name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": arrayOf("只含这个问题的列表", REQUEST_REF),
            "404": {
              description: "没有这个问题，或不在密钥的范围内",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Errors" } } },
            },
            ...errors,
          },
        },
      },
      "/api/v1/issues.geojson": {
        get: {
          summary: "问题的 GeoJSON（条件同 requests.json），供 GIS 软件使用；没有位置的问题 geometry 为 null",
          parameters: filterParams,
          responses: {
            "200": {
              description: "FeatureCollection",
              content: { "application/geo+json": { schema: { type: "object" } } },
            },
            ...errors,
          },
        },
      },
    },
  };
}
