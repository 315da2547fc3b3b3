/** Jest in ESM mode: NestJS 12 ships ES modules only. */
export default {
  testEnvironment: 'node',
  rootDir: 'backend',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  testTimeout: 30000,
  // Every run uses a worker process, replaced once its heap passes this after a test file: ESM
  // test modules are never freed in one process, and a heap of gigabytes pauses the fault
  // suites' servers for seconds (the failover figures measure this process's latency).
  workerIdleMemoryLimit: '800MB',
};
