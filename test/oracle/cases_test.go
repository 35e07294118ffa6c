package oracle

import (
	"encoding/json"
	"os"
	"testing"
)

// casesFromEnv reads the JSON cases kgd's TypeScript test wrote to the file named by inVar, and returns them with
// the file (outVar) to write the results to. Outside `npm test` the variables are unset and the test is skipped.
func casesFromEnv[C any](t *testing.T, inVar, outVar string) ([]C, string) {
	t.Helper()
	in, out := os.Getenv(inVar), os.Getenv(outVar)
	if in == "" || out == "" {
		t.Skip(inVar + " and " + outVar + " are not set (run through npm test)")
	}
	raw, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	var cases []C
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	return cases, out
}

// writeResults writes the results for the TypeScript side to compare.
func writeResults(t *testing.T, out string, results any) {
	t.Helper()
	b, err := json.Marshal(results)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
