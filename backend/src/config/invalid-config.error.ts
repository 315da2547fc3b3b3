/** One variable that failed validation. */
export interface ConfigProblem {
  variable: string;
  /** What the variable accepts; never the value that was given. */
  accepts: string;
}

/** Startup configuration is invalid. The message names each variable and what it accepts. */
export class InvalidConfigError extends Error {
  readonly code = 'INVALID_CONFIG' as const;

  constructor(readonly problems: ConfigProblem[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.accepts}`).join('\n')}`,
    );
    this.name = 'InvalidConfigError';
  }
}
