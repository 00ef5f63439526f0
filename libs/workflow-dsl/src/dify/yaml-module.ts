// The YAML library (~70 files) is loaded by the first import or export of a DSL file, not by every
// process that validates graphs: the engine and standalone's start never read or write YAML.
let loaded: typeof import('yaml') | undefined;

export const yaml = (): typeof import('yaml') => (loaded ??= require('yaml') as typeof import('yaml'));
