// Command starlark-check parses and resolves a Starlark file with go.starlark.net, the
// interpreter Tilt embeds, in the dialect Tilt enables (sets, while loops, top-level if/for,
// global reassignment, recursion). Names the file may use besides Starlark's universe are given
// with -predeclared. It prints one error per line and exits 1 if there is any.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"go.starlark.net/resolve"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

func main() {
	predeclared := flag.String("predeclared", "", "comma-separated names the host defines")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: starlark-check [-predeclared a,b,c] FILE")
		os.Exit(2)
	}
	names := map[string]bool{}
	for _, name := range strings.Split(*predeclared, ",") {
		if name != "" {
			names[name] = true
		}
	}
	options := &syntax.FileOptions{
		Set: true, While: true, TopLevelControl: true, GlobalReassign: true, Recursion: true,
	}
	file, err := options.Parse(flag.Arg(0), nil, 0)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	err = resolve.File(file, func(name string) bool { return names[name] }, starlark.Universe.Has)
	if err != nil {
		if list, ok := err.(resolve.ErrorList); ok {
			for _, item := range list {
				fmt.Println(item)
			}
		} else {
			fmt.Println(err)
		}
		os.Exit(1)
	}
}
