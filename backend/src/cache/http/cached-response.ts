/** What a cached HTTP response replays: status, body, content type, and when it was produced. */
export interface CachedHttpResponse {
  status: number;
  body: unknown;
  /** The content type the handler set explicitly; otherwise the platform infers it again. */
  contentType?: string;
  storedAtMs: number;
}
