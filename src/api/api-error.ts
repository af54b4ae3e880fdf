/**
 * Errors in the GeoReport v2 format (wiki.open311.org/GeoReport_v2, "Errors"): an array of {code, description}
 * with the HTTP status — 404 for what does not exist, 403 for a missing or wrong api_key, 413 for a body over the
 * limit, 400 for anything else a caller got wrong (and 429 for too many requests).
 */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 413 | 429,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = "ApiError";
  }

  /** The body the spec asks for. */
  body(): { code: number; description: string }[] {
    return [{ code: this.status, description: this.description }];
  }
}
