/** Jest in ESM mode: NestJS 12 ships ES modules only. */
export default {
  testEnvironment: 'node',
  rootDir: 'backend',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    // The cache library by its package name, from its sources (as in tsconfig.json's `paths`).
    '^nestjs-coherent-cache$': '<rootDir>/libs/cache/src/index.ts',
    '^nestjs-coherent-cache/(testing|health|throttler)$': '<rootDir>/libs/cache/src/$1/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  modulePathIgnorePatterns: ['<rootDir>/libs/cache/dist/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: [
    '<rootDir>/src/**/*.spec.ts',
    '<rootDir>/libs/*/src/**/*.spec.ts',
    '<rootDir>/test/**/*.spec.ts',
  ],
  testTimeout: 30000,
  // Every run uses a worker process, replaced once its heap passes this after a test file: ESM
  // test modules are never freed in one process, and a heap of gigabytes pauses the fault
  // suites' servers for seconds (the failover figures measure this process's latency).
  workerIdleMemoryLimit: '800MB',
};
