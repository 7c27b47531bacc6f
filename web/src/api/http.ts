/** JSON over HTTP to the shop's APIs: bearer tokens, and RFC 9457 problems as errors. */

import { apiUrl, type WebConfig } from "../config";

export interface Problem {
  status: number;
  title: string;
  detail?: string;
  errors?: { field?: string; loc?: string; message?: string; msg?: string }[];
}

/** A refused request, carrying the API's problem document. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    this.name = "ApiError";
  }

  get status(): number {
    return this.problem.status;
  }
}

/** The problem of a failed response (problem+json, another JSON body, or just the status). */
export async function problemOf(response: Response): Promise<Problem> {
  const fallback: Problem = { status: response.status, title: response.statusText || "Error" };
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("json")) return fallback;
  try {
    const body = (await response.json()) as Partial<Problem> & { detail?: unknown };
    const detail = typeof body.detail === "string" ? body.detail : undefined;
    return { ...fallback, ...body, status: response.status, detail };
  } catch {
    return fallback;
  }
}

export type TokenSource = () => Promise<string | null>;

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | null | undefined>;
  signal?: AbortSignal;
}

/** `query` as a search string, leaving out empty values. */
export function queryString(query: RequestOptions["query"]): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

export class HttpClient {
  constructor(
    readonly config: WebConfig,
    private readonly token: TokenSource,
    private readonly fetcher: typeof fetch = (...args) => fetch(...args),
  ) {}

  url(context: string, path: string, query?: RequestOptions["query"]): string {
    return apiUrl(this.config, context, path) + queryString(query);
  }

  async headers(extra: Record<string, string> = {}): Promise<Record<string, string>> {
    const token = await this.token();
    return { accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
  }

  /** Send a request; the parsed body (undefined for 204), or an ApiError. */
  async request<T>(context: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers = await this.headers(options.headers);
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const response = await this.fetcher(this.url(context, path, options.query), {
      method: options.method ?? "GET",
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
    if (!response.ok) throw new ApiError(await problemOf(response));
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  get<T>(context: string, path: string, query?: RequestOptions["query"]): Promise<T> {
    return this.request<T>(context, path, { query });
  }
}
