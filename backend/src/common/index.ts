export { ZodBodyPipe } from './zod-body.pipe.js';
