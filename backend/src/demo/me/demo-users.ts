/** A demo user, as `GET /me` returns it. */
export interface DemoUser {
  id: string;
  name: string;
  email: string;
}

/** The demo bearer tokens and whom they identify. */
export const DEMO_TOKENS: Readonly<Record<string, DemoUser>> = {
  'alice-token': { id: 'alice', name: 'Alice', email: 'alice@example.test' },
  'bob-token': { id: 'bob', name: 'Bob', email: 'bob@example.test' },
};
