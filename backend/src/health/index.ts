export { HealthModule } from './health.module.js';
export { ShutdownState } from './shutdown-state.service.js';
export { ReadinessService, type Readiness } from './readiness.service.js';
export { closeConnectionsWhileDraining } from './connection-draining.js';
