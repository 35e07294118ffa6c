// The request loop every test-only oracle program shares (test/helpers/upstream.ts copies this file into the
// net-istio builds too): a JSON array of requests on stdin, a JSON array of answers in the same order on
// stdout; a panic while answering one request becomes that request's answer {"panic": ...}.
// Written for Go 1.16 (no `any`, no generics): net-istio 1.2's module is built with it.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"
)

// serve decodes stdin into requests (a pointer to a slice) and writes answer(i) for each element.
func serve(requests interface{}, answer func(i int) interface{}) {
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		panic(err)
	}
	if err := json.Unmarshal(in, requests); err != nil {
		fmt.Fprintln(os.Stderr, "bad request:", err)
		os.Exit(2)
	}
	out := make([]interface{}, reflect.ValueOf(requests).Elem().Len())
	for i := range out {
		out[i] = recovered(func() interface{} { return answer(i) })
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}

func recovered(f func() interface{}) (res interface{}) {
	defer func() {
		if p := recover(); p != nil {
			res = map[string]interface{}{"panic": fmt.Sprint(p)}
		}
	}()
	return f()
}
