/** The built-in catalog: every SDK and tracing library tracewire knows. */

import type { PackageModel } from './types.js';
import { openai } from './sdk/openai.js';

export const builtinModels: PackageModel[] = [openai];
