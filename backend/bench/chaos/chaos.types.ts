/** How an app reaches Redis for one fault. */
export type ChaosConnection =
  | { mode: 'single'; url: string }
  | { mode: 'sentinel'; name: string; sentinels: { host: string; port: number }[] }
  | { mode: 'cluster'; nodes: { host: string; port: number }[] };

/** The Redis side of one fault, built fresh for each app. */
export interface FaultStage {
  connection: ChaosConnection;
  /** Starts the fault. */
  inject(): Promise<void> | void;
  /** How long the fault is held before {@link end} is called, in ms. */
  holdMs: number;
  /**
   * Ends the fault and resolves when it is over: the process restarted, the pause lifted, or
   * (for a failover) the new master seen.
   */
  end(): Promise<void> | void;
  /** The fault is over only once the topology reports a new master (queues are read then). */
  endsWithSwitch?: boolean;
  /** What the server reports about the fault afterwards (e.g. OOM errors it returned). */
  evidence?(): Promise<string>;
  /** Stops every process and proxy of the stage. */
  stop(): Promise<void>;
}

/** One entry of the fault catalogue. */
export interface Fault {
  name: string;
  /** One line on what is done to Redis. */
  summary: string;
  /** Builds the Redis side, fresh for each app. */
  prepare(): Promise<FaultStage>;
}

/** A running app under test. */
export interface Contender {
  baseUrl: string;
  /** Commands (or store calls) issued and not yet answered, now. */
  queued(): number;
  close(): Promise<void>;
}

/** What one fault did to one app. */
export interface FaultFigures {
  /** Non-2xx answers plus client errors (refused, 5 s timeout) from fault start to the end. */
  errors: number;
  requests: number;
  p99Ms: number;
  /** From fault end to the start of the first healthy second; `null` if never seen. */
  recoveryMs: number | null;
  queued: number | null;
  /** How long the fault lasted, start to end, in ms. */
  faultMs: number;
  /**
   * Median latency over the last second of observation, in ms: near the handler's 20 ms when
   * the app still answers without its cache, a few ms when it serves hits again.
   */
  tailP50Ms: number;
  /** The latency under which a 2xx answer counted as healthy, in ms. */
  healthyMs: number;
  /** The stage's evidence, if any. */
  evidence?: string;
}
