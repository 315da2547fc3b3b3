import { SentinelConnector, type SentinelConnectionOptions } from 'ioredis';

/** The part of ioredis's connector that it keeps private: the `+switch-master` subscriber. */
interface WithFailoverDetector {
  failoverDetector: { cleanup(): void } | null;
}

/**
 * ioredis's Sentinel connector, with one fix. On every successful connection ioredis subscribes
 * to `+switch-master` on the Sentinels and, on that message, disconnects the connector. That
 * subscription outlives the connection it was made for: after the master dies, it is still
 * there while the client asks the Sentinels for the new master, and when the switch is
 * announced during that question, its disconnect aborts the reconnection in progress and the
 * client ends for good (status `end`, no further attempt; every later call fails with
 * "Connection is closed."). This connector retires the old subscription when a reconnection
 * starts; the next successful connection subscribes again.
 */
export class SwitchSafeSentinelConnector extends SentinelConnector {
  /** ioredis passes the client's options (a `ConnectorConstructor` takes `unknown`). */
  constructor(options: unknown) {
    super(options as SentinelConnectionOptions);
  }

  override connect(
    ...args: Parameters<SentinelConnector['connect']>
  ): ReturnType<SentinelConnector['connect']> {
    const self = this as unknown as WithFailoverDetector;
    self.failoverDetector?.cleanup();
    self.failoverDetector = null;
    return super.connect(...args);
  }
}
