// Command netdelay holds the packets that iptables sends to one NFQUEUE for
// a delay (with jitter) before letting them through: faultline's latency
// fault. It stands in for tc netem, which kernels without the sch_netem
// module lack. Each packet gets its own delay, so jitter reorders packets,
// as netem's does.
//
// It prints "ready" once the queue is bound. On SIGTERM, SIGINT, or when
// --parent-pid dies, it releases every held packet at once and exits; the
// iptables rule uses --queue-bypass, so packets flow while no helper runs.
package main

import (
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

func main() {
	queueNum := flag.Uint("queue", 0, "NFQUEUE number to bind (required)")
	delay := flag.Duration("delay", 50*time.Millisecond, "mean delay per packet")
	jitter := flag.Duration("jitter", 0, "each delay is uniform in [delay-jitter, delay+jitter]")
	parentPid := flag.Int("parent-pid", 0, "exit when this process is gone (the harness)")
	seed := flag.Int64("seed", 1, "seed for the jitter")
	maxLen := flag.Uint("max-held", 65536, "packets held at most; beyond, packets pass undelayed")
	flag.Parse()
	if *queueNum == 0 || *queueNum > 65535 {
		fatal(fmt.Errorf("--queue must be 1-65535"))
	}
	if *jitter > *delay {
		fatal(fmt.Errorf("--jitter (%v) must not exceed --delay (%v)", *jitter, *delay))
	}

	q, err := Open(uint16(*queueNum), uint32(*maxLen))
	if err != nil {
		fatal(err)
	}
	h := &holder{queue: q, held: map[uint32]*time.Timer{}, rng: rand.New(rand.NewSource(*seed))}

	done := make(chan string, 1)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	go func() { done <- (<-sigs).String() }()
	if *parentPid > 0 {
		go watchParent(*parentPid, done)
	}
	go func() {
		for {
			ids, err := q.Receive()
			if err != nil {
				done <- "receive: " + err.Error()
				return
			}
			for _, id := range ids {
				h.hold(id, *delay, *jitter)
			}
		}
	}()

	fmt.Println("ready")
	reason := <-done
	released := h.releaseAll()
	_ = q.Close()
	fmt.Fprintf(os.Stderr, "netdelay: %s; delayed %d packets, released %d early\n", reason, h.count, released)
}

// holder keeps one timer per held packet, so that all can be released at once.
type holder struct {
	queue  *Queue
	mu     sync.Mutex
	held   map[uint32]*time.Timer
	rng    *rand.Rand
	count  uint64
	closed bool
}

func (h *holder) hold(id uint32, delay, jitter time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		_ = h.queue.Accept(id)
		return
	}
	d := delay
	if jitter > 0 {
		d += time.Duration(h.rng.Int63n(int64(2*jitter)+1)) - jitter
	}
	h.count++
	h.held[id] = time.AfterFunc(d, func() {
		h.mu.Lock()
		_, still := h.held[id]
		delete(h.held, id)
		h.mu.Unlock()
		if still {
			_ = h.queue.Accept(id)
		}
	})
}

func (h *holder) releaseAll() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	n := 0
	for id, timer := range h.held {
		if timer.Stop() {
			_ = h.queue.Accept(id)
			n++
		}
	}
	h.held = map[uint32]*time.Timer{}
	return n
}

func watchParent(pid int, done chan<- string) {
	for range time.Tick(500 * time.Millisecond) {
		if syscall.Kill(pid, 0) == syscall.ESRCH {
			done <- fmt.Sprintf("parent %d gone", pid)
			return
		}
	}
}

func fatal(err error) {
	fmt.Fprintf(os.Stderr, "netdelay: %v\n", err)
	os.Exit(1)
}
