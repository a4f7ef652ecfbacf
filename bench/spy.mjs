// Records every WebAssembly.Memory a library instantiates, so the bench can report each wasm
// library's linear memory without help from the library. Install before loading anything.

export function spyWasm() {
  const memories = [];
  const grab = (instance) => {
    for (const v of Object.values(instance?.exports ?? {})) {
      if (v instanceof WebAssembly.Memory && !memories.includes(v)) memories.push(v);
    }
  };
  const Instance = WebAssembly.Instance;
  WebAssembly.Instance = new Proxy(Instance, {
    construct(target, args, newTarget) {
      const i = Reflect.construct(target, args, newTarget);
      grab(i);
      return i;
    },
  });
  const instantiate = WebAssembly.instantiate;
  WebAssembly.instantiate = async function (...args) {
    const r = await instantiate.apply(WebAssembly, args);
    grab(r instanceof Instance ? r : r.instance);
    return r;
  };
  const streaming = WebAssembly.instantiateStreaming;
  if (streaming) {
    WebAssembly.instantiateStreaming = async function (...args) {
      const r = await streaming.apply(WebAssembly, args);
      grab(r.instance);
      return r;
    };
  }
  return {
    /** How many memories are known so far (a mark to attribute later ones to a library). */
    mark: () => memories.length,
    /** Bytes of the memories registered since `mark`. */
    bytesSince: (mark) => memories.slice(mark).reduce((s, m) => s + m.buffer.byteLength, 0),
  };
}
