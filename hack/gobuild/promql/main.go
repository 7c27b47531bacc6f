// Command promql-check reads PromQL expressions, one JSON string per line, on stdin and
// parses each with Prometheus' parser. It prints one JSON object per line:
// {"expr": ..., "error": ""} and exits 1 if any expression does not parse.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"github.com/prometheus/prometheus/promql/parser"
)

type result struct {
	Expr  string `json:"expr"`
	Error string `json:"error"`
}

func main() {
	scanner := bufio.NewScanner(os.Stdin)
	scanner.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	encoder := json.NewEncoder(os.Stdout)
	promql := parser.NewParser(parser.Options{})
	failed := false
	for scanner.Scan() {
		var expr string
		if err := json.Unmarshal(scanner.Bytes(), &expr); err != nil {
			fmt.Fprintf(os.Stderr, "promql-check: not a JSON string: %v\n", err)
			os.Exit(2)
		}
		res := result{Expr: expr}
		if _, err := promql.ParseExpr(expr); err != nil {
			res.Error = err.Error()
			failed = true
		}
		if err := encoder.Encode(res); err != nil {
			os.Exit(2)
		}
	}
	if err := scanner.Err(); err != nil {
		fmt.Fprintf(os.Stderr, "promql-check: %v\n", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}
