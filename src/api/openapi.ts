/**
 * The OpenAPI 3.1 description of the Open311 GeoReport v2 API and the GeoJSON feed, served at
 * /open311/v2/openapi.json. Field names follow wiki.open311.org/GeoReport_v2; Riqing's own fields are under
 * `x_riqing`. Descriptions are Chinese: the people wiring up 12345 and the 城运平台 read them.
 */

import { OPENAPI_TEXTS as T } from "../texts/openapi.ts";

const errorList = {
  type: "array",
  description: T.errorList,
  items: {
    type: "object",
    required: ["code", "description"],
    properties: { code: { type: "integer" }, description: { type: "string" } },
  },
} as const;

const errors = {
  "400": {
    description: T.badRequest,
    content: { "application/json": { schema: { $ref: "#/components/schemas/Errors" } } },
  },
  "403": {
    description: T.forbidden,
    content: { "application/json": { schema: { $ref: "#/components/schemas/Errors" } } },
  },
  "429": {
    description: T.rateLimited,
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
    description: T.requestIds,
    schema: { type: "string" },
  },
  { name: "service_code", in: "query", description: T.serviceCodes, schema: { type: "string" } },
  {
    name: "start_date",
    in: "query",
    description: T.startDate,
    schema: { type: "string", format: "date-time" },
  },
  {
    name: "end_date",
    in: "query",
    description: T.endDate,
    schema: { type: "string", format: "date-time" },
  },
  { name: "status", in: "query", description: T.statuses, schema: { type: "string" } },
] as const;

const request = {
  type: "object",
  properties: {
    service_request_id: { type: "string", description: T.requestId },
    status: { type: "string", enum: ["open", "closed"] },
    status_notes: { type: "string", description: T.statusNotes },
    service_name: { type: ["string", "null"] },
    service_code: { type: ["string", "null"] },
    description: { type: "string" },
    agency_responsible: { type: ["string", "null"], description: T.agencyResponsible },
    service_notice: { type: ["string", "null"] },
    requested_datetime: { type: "string", format: "date-time" },
    updated_datetime: { type: "string", format: "date-time" },
    expected_datetime: { type: ["string", "null"], format: "date-time", description: T.expected },
    address: { type: "string", description: T.address },
    address_id: { type: ["string", "null"], description: T.addressId },
    zipcode: { type: "null" },
    lat: { type: ["number", "null"] },
    long: { type: ["number", "null"] },
    media_url: { type: ["string", "null"], description: T.mediaUrl },
    x_riqing: {
      type: "object",
      description: T.extension,
      properties: {
        number: { type: "string" },
        status: { type: "object", properties: { code: { type: "string" }, label: { type: "string" } } },
        board_state: {
          type: ["string", "null"],
          enum: ["new", "in_progress", "awaiting_check", "overdue", "on_books", null],
          description: T.boardState,
        },
        grid: { type: ["object", "null"], properties: { code: { type: "string" }, name: { type: "string" } } },
        community: { type: ["object", "null"], properties: { code: { type: "string" }, name: { type: "string" } } },
        point: { type: ["string", "null"] },
        source: { type: ["string", "null"], description: T.source },
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
            kind: { type: ["string", "null"], description: T.kind },
            class: { type: ["string", "null"], description: T.class },
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
      title: T.title,
      version: "2.0.0",
      description: T.about,
    },
    servers: [{ url: "/" }],
    components: {
      parameters: {
        ApiKey: {
          name: "api_key",
          in: "query",
          required: false,
          description: T.apiKey,
          schema: { type: "string" },
        },
      },
      schemas: { Errors: errorList, Request: request },
    },
    paths: {
      "/open311/v2/services.json": {
        get: {
          summary: T.services,
          parameters: [keyParam],
          responses: {
            "200": arrayOf(T.serviceList, {
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
          summary: T.query,
          parameters: filterParams,
          responses: { "200": arrayOf(T.requestList, REQUEST_REF), ...errors },
        },
        post: {
          summary: T.submit,
          requestBody: {
            required: true,
            content: {
              "application/x-www-form-urlencoded": {
                schema: {
                  type: "object",
                  properties: {
                    api_key: { type: "string" },
                    service_code: { type: "string", description: T.serviceCode },
                    lat: { type: "number" },
                    long: { type: "number" },
                    address_string: { type: "string", description: T.addressString },
                    address_id: { type: "string", description: T.addressId },
                    description: { type: "string", maxLength: 4000 },
                    media_url: { type: "string" },
                    x_riqing_ticket: { type: "string", description: T.ticket },
                  },
                },
              },
            },
          },
          responses: {
            "200": arrayOf(T.filed, {
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
          summary: T.one,
          parameters: [keyParam, { name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": arrayOf(T.oneList, REQUEST_REF),
            "404": {
              description: T.notFound,
              content: { "application/json": { schema: { $ref: "#/components/schemas/Errors" } } },
            },
            ...errors,
          },
        },
      },
      "/api/v1/issues.geojson": {
        get: {
          summary: T.geojson,
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
