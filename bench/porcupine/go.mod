module faultline/bench/porcupine

go 1.21

require github.com/anishathalye/porcupine v0.0.0

// The checkout given to `npm run bench -- --porcupine <dir>` replaces this
// path (go mod edit -replace); see bench/porcupine.ts.
replace github.com/anishathalye/porcupine => ../../../porcupine
