import { Inject } from '@nestjs/common';

/** Injection token of the validated `AppConfig`. */
export const APP_CONFIG = 'APP:CONFIG';

/** Injects the validated `AppConfig`. */
export const InjectAppConfig = (): ParameterDecorator => Inject(APP_CONFIG);
