# accord: `make demo` builds the package and serves the demo; `make test` runs every test.
.PHONY: pkg demo test test-native test-wasm test-js test-types test-pack test-demo test-hardening bench fuzz clean

pkg:
	.ci/build-pkg

demo: pkg
	.ci/install node
	www/run.sh

test:
	.ci/test

test-native:
	.ci/test native

test-wasm:
	.ci/test wasm

test-js: pkg
	.ci/test js

bench: pkg
	bench/run.sh

fuzz:
	fuzz/run.sh 60

clean:
	rm -rf pkg target/pkg-build
