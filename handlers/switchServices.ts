import { contextFrom } from '../src/steps/core/input.ts';
import { switchServices } from '../src/steps/switch-services.ts';

export const handler = async (event: unknown) => switchServices(contextFrom(event, 'SwitchServices'));
