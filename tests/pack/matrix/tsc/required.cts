// CommonJS (`require`) under node16: the .d.cts types, `default` as a property.
import accord = require("accord");

const engine: accord.Engine = new accord.Engine(accord.presets.crm());
export const plans: string[] = engine.plans;
export const load: () => Promise<void> = () => accord.default();
export const isError = (e: unknown): boolean => e instanceof accord.AccordError;
