import { contextFrom } from '../src/steps/input.ts';
import { switchServices } from '../src/steps/services.ts';

export const handler = async (event: unknown) => switchServices(contextFrom(event, 'SwitchServices'));
