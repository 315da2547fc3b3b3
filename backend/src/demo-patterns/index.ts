export { DemoPatternsModule } from './demo-patterns.module.js';
