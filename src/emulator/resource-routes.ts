import { z } from "zod";
import { isRecord } from "./is-record.ts";
import { larkErrors } from "./lark-api-error.ts";
import { newId } from "./new-id.ts";
import { isTextField, type MultipartPart } from "./parse-multipart.ts";
import { ok, type Route, type RouteDeps, validateFields } from "./route.ts";
import { API_SCOPES } from "./scopes.ts";
import type { EmulatedMessage } from "./types.ts";

const MB = 1024 * 1024;
const IMAGE_LIMIT_BYTES = 10 * MB;
const FILE_LIMIT_BYTES = 30 * MB;

const imageFields = z.object({ image_type: z.enum(["message", "avatar"]) });
const fileFields = z.object({
  file_type: z.enum(["opus", "mp4", "pdf", "doc", "xls", "ppt", "stream"]),
  file_name: z.string().min(1),
  duration: z.string().optional(),
});
const resourceQuery = z.object({ type: z.enum(["image", "file"]) });

/** Image and file upload, and download of a resource inside a message. */
export function resourceRoutes(deps: RouteDeps): Route[] {
  const { state } = deps;
  return [
    {
      method: "POST",
      path: "/open-apis/im/v1/images",
      auth: true,
      rateLimited: true,
      scopes: API_SCOPES.upload,
      handle: ({ parts }) => {
        validateFields(imageFields, textFields(parts));
        const image = filePart(parts, "image");
        if (image.data.length === 0) throw larkErrors.fileEmpty();
        if (image.data.length > IMAGE_LIMIT_BYTES) throw larkErrors.fileTooLarge("10 MB");
        const contentType = imageContentType(image.data);
        if (!contentType) throw larkErrors.imageUnrecognized();
        const key = newId("image");
        state.addResource({ key, kind: "image", data: image.data, contentType });
        return ok({ image_key: key });
      },
    },
    {
      method: "POST",
      path: "/open-apis/im/v1/files",
      auth: true,
      rateLimited: true,
      scopes: API_SCOPES.upload,
      handle: ({ parts }) => {
        const fields = validateFields(fileFields, textFields(parts));
        const file = filePart(parts, "file");
        if (file.data.length === 0) throw larkErrors.fileEmpty();
        if (file.data.length > FILE_LIMIT_BYTES) throw larkErrors.fileTooLarge("30 MB");
        const key = newId("file");
        state.addResource({
          key,
          kind: "file",
          data: file.data,
          contentType: file.contentType ?? "application/octet-stream",
          fileName: fields.file_name,
        });
        return ok({ file_key: key });
      },
    },
    {
      method: "GET",
      path: "/open-apis/im/v1/messages/:message_id/resources/:file_key",
      auth: true,
      rateLimited: true,
      scopes: API_SCOPES.download,
      handle: ({ params, query }) => {
        const { type } = validateFields(resourceQuery, query);
        const message = state.message(params.message_id ?? "");
        if (!message) throw larkErrors.resourceParam(`invalid message_id ${params.message_id}`);
        const chat = state.requireChat(message.chatId);
        if (chat.dissolved || !chat.botIsMember) throw larkErrors.appNotInChat();
        const key = params.file_key ?? "";
        const resource = state.resource(key);
        if (!resource || !resourceKeysOf(message).has(key)) throw larkErrors.resourceNotInMessage();
        if (resource.kind !== type) throw larkErrors.resourceParam(`type must be ${resource.kind} for this key`);
        const headers: Record<string, string> = { "content-type": resource.contentType };
        if (resource.fileName) headers["content-disposition"] = `attachment; filename="${resource.fileName}"`;
        return { binary: resource.data, headers };
      },
    },
  ];
}

function textFields(parts: MultipartPart[] | undefined): Record<string, string> {
  if (!parts) throw larkErrors.fieldValidation([{ field: "body", description: "multipart/form-data expected" }]);
  return Object.fromEntries(parts.filter(isTextField).map((p) => [p.name, p.data.toString("utf8")]));
}

function filePart(parts: MultipartPart[] | undefined, name: string): MultipartPart {
  const part = parts?.find((p) => p.name === name);
  if (!part) throw larkErrors.fieldValidation([{ field: name, description: `${name} is required` }]);
  return part;
}

/** The image and file keys a message's content refers to. */
function resourceKeysOf(message: EmulatedMessage): Set<string> {
  const keys = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (isRecord(node)) {
      for (const field of ["image_key", "file_key"]) {
        const value = node[field];
        if (typeof value === "string") keys.add(value);
      }
      Object.values(node).forEach(visit);
    }
  };
  visit(message.content);
  return keys;
}

const SIGNATURES: [string, (b: Buffer) => boolean][] = [
  ["image/png", (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))],
  ["image/jpeg", (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ["image/gif", (b) => b.subarray(0, 4).toString("latin1") === "GIF8"],
  ["image/webp", (b) => b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString() === "WEBP"],
  ["image/bmp", (b) => b.subarray(0, 2).toString("latin1") === "BM"],
  ["image/x-icon", (b) => b.subarray(0, 4).equals(Buffer.from([0, 0, 1, 0]))],
  ["image/tiff", (b) => ["II*\0", "MM\0*"].includes(b.subarray(0, 4).toString("latin1"))],
  ["image/heic", (b) => b.subarray(4, 8).toString("latin1") === "ftyp" && /hei|mif/.test(b.subarray(8, 12).toString())],
];

/** The MIME type of an image Lark accepts (JPG, PNG, WEBP, GIF, BMP, ICO, TIFF, HEIC), by magic bytes. */
export function imageContentType(data: Buffer): string | undefined {
  return SIGNATURES.find(([, test]) => test(data))?.[0];
}
