/** URL helpers for creating per-file test databases on the real server. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The server's maintenance connection: the configured database itself (it is not the one we create or drop). */
export const adminUrl = (url: string) => url;
