/** One part of a multipart/form-data body. */
export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/**
 * Parses a multipart/form-data body into its parts, or returns undefined when the content type has no boundary
 * or the body is not well formed.
 */
export function parseMultipart(body: Buffer, contentType: string): MultipartPart[] | undefined {
  const boundaryMatch = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = boundaryMatch?.[1] ?? boundaryMatch?.[2];
  if (!/^multipart\/form-data/i.test(contentType) || !boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let cursor = body.indexOf(delimiter);
  if (cursor < 0) return undefined;
  for (;;) {
    cursor += delimiter.length;
    if (body.subarray(cursor, cursor + 2).toString() === "--") return parts;
    cursor += 2; // CRLF after the delimiter
    const headerEnd = body.indexOf("\r\n\r\n", cursor);
    if (headerEnd < 0) return undefined;
    const next = body.indexOf(Buffer.concat([Buffer.from("\r\n"), delimiter]), headerEnd + 4);
    if (next < 0) return undefined;
    const part = parsePart(body.subarray(cursor, headerEnd).toString("utf8"), body.subarray(headerEnd + 4, next));
    if (!part) return undefined;
    parts.push(part);
    cursor = next + 2;
  }
}

function parsePart(headerText: string, data: Buffer): MultipartPart | undefined {
  const headers = new Map<string, string>();
  for (const line of headerText.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get("content-disposition") ?? "";
  const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
  if (name === undefined) return undefined;
  const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
  const contentType = headers.get("content-type");
  return {
    name,
    data: Buffer.from(data),
    ...(filename !== undefined && { filename }),
    ...(contentType !== undefined && { contentType }),
  };
}

/** True for a plain form field (no file name, no content type other than text/plain). */
export function isTextField(part: MultipartPart): boolean {
  return part.filename === undefined && (part.contentType === undefined || /^text\/plain/i.test(part.contentType));
}
