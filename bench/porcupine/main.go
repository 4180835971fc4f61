// Command porcupine-bench times Porcupine on Jepsen etcd logs (Porcupine's
// test data), for faultline's bench to set beside its own checker on the
// same histories. It prints one JSON line per log: its verdict and the
// milliseconds CheckEvents took (parsing not included).
//
// Usage: porcupine-bench <log>...
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"
)

// input: f is 'r', 'w' or 'c' (compare-and-set from a to b); w writes a.
type input struct {
	f    byte
	a, b int
}

// output: what the op returned; unknown when it timed out.
type output struct {
	ok, exists, unknown bool
	value               int
}

// nothing is the register before any write.
const nothing = -1 << 40

var register = porcupine.Model{
	Init: func() interface{} { return nothing },
	Step: func(state, in, out interface{}) (bool, interface{}) {
		st, i, o := state.(int), in.(input), out.(output)
		switch i.f {
		case 'r':
			return o.unknown || (o.exists && o.value == st) || (!o.exists && st == nothing), st
		case 'w':
			return true, i.a
		default:
			next := st
			if i.a == st {
				next = i.b
			}
			return o.unknown || o.ok == (i.a == st), next
		}
	},
	Hash: func(state interface{}) uint64 { return uint64(state.(int)) },
}

// events reads a log: tab-separated lines "INFO jepsen.util - <process>
// <type> <f> <value>". An invocation left open (an :info, or the end of
// the log) returns unknown at the end, so it may take effect any time.
func events(path string) ([]porcupine.Event, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	var out []porcupine.Event
	open := map[int]int{}
	next := 0
	scanner := bufio.NewScanner(file)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	for scanner.Scan() {
		fields := strings.Split(scanner.Text(), "\t")
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "INFO") {
			continue
		}
		head := strings.Fields(fields[0])
		process, err := strconv.Atoi(head[len(head)-1])
		if err != nil {
			continue
		}
		kind, f, value := fields[1], fields[2], fields[3]
		numbers := strings.Fields(strings.Trim(value, "[]"))
		number := func(i int) int { n, _ := strconv.Atoi(numbers[i]); return n }
		switch {
		case kind == ":invoke":
			in := input{f: f[1]}
			if f == ":write" {
				in.a = number(0)
			} else if f == ":cas" {
				in.a, in.b = number(0), number(1)
			}
			open[process] = next
			out = append(out, porcupine.Event{ClientId: process, Kind: porcupine.CallEvent, Value: in, Id: next})
			next++
		case kind == ":ok" || (kind == ":fail" && f == ":cas") || (kind == ":fail" && value == ":timed-out"):
			id, found := open[process]
			if !found {
				continue
			}
			delete(open, process)
			o := output{ok: kind == ":ok", unknown: value == ":timed-out"}
			if f == ":read" && kind == ":ok" && value != "nil" {
				o.exists, o.value = true, number(0)
			}
			out = append(out, porcupine.Event{ClientId: process, Kind: porcupine.ReturnEvent, Value: o, Id: id})
		}
	}
	for process, id := range open {
		out = append(out, porcupine.Event{ClientId: process, Kind: porcupine.ReturnEvent, Value: output{unknown: true}, Id: id})
	}
	return out, scanner.Err()
}

func main() {
	encoder := json.NewEncoder(os.Stdout)
	for _, path := range os.Args[1:] {
		history, err := events(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		started := time.Now()
		ok := porcupine.CheckEvents(register, history)
		ms := float64(time.Since(started).Microseconds()) / 1000
		encoder.Encode(map[string]interface{}{"log": path, "linearizable": ok, "ms": ms})
	}
}
