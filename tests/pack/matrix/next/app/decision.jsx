"use client";
import { useEffect, useState } from "react";
import init, * as accord from "accord";
import { zs9 } from "../zs9.mjs";

export default function Decision() {
  const [text, setText] = useState("loading");
  useEffect(() => {
    init().then(
      () => {
        window.result = zs9(accord);
        setText(JSON.stringify(window.result));
      },
      (e) => {
        window.result = { ok: false, error: `${e.name} ${e.code}: ${e.message}` };
        setText(window.result.error);
      },
    );
  }, []);
  return <pre id="decision">{text}</pre>;
}
