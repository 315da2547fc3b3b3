/** The demo's users, by login token. A real application checks a password or an identity provider. */
export const DEMO_USERS: Readonly<Record<string, string>> = {
  'alice-token': 'alice',
  'bob-token': 'bob',
};

/** The header that carries the session handle `<userId>.<sessionId>`. */
export const SESSION_HEADER = 'x-session';

/** The data the demo keeps in a session. */
export interface DemoSessionData {
  loginAt: string;
  visits: number;
}
