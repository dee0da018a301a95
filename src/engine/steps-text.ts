/**
 * String, list and date steps of the 3.7 language.
 */
import type { StepCompiler } from './compiler.js';

export const textSteps: Record<string, StepCompiler> = {};
