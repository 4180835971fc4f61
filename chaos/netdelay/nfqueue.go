package main

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// The nfnetlink_queue protocol (linux/netfilter/nfnetlink_queue.h), only the
// parts a delay queue needs: bind a queue, receive packet ids, send verdicts.
// Written against mdlayher/netlink because no NFQUEUE binding is reachable
// from this project's registries.
const (
	subsysQueue = 3 // NFNL_SUBSYS_QUEUE

	msgPacket  = 0 // NFQNL_MSG_PACKET
	msgVerdict = 1 // NFQNL_MSG_VERDICT
	msgConfig  = 2 // NFQNL_MSG_CONFIG

	attrPacketHdr  = 1 // NFQA_PACKET_HDR
	attrVerdictHdr = 2 // NFQA_VERDICT_HDR

	cfgCmd       = 1 // NFQA_CFG_CMD
	cfgParams    = 2 // NFQA_CFG_PARAMS
	cfgMaxLen    = 3 // NFQA_CFG_QUEUE_MAXLEN
	cfgMask      = 4 // NFQA_CFG_MASK
	cfgFlags     = 5 // NFQA_CFG_FLAGS
	cmdBind      = 1 // NFQNL_CFG_CMD_BIND
	cmdUnbind    = 2 // NFQNL_CFG_CMD_UNBIND
	copyMeta     = 1 // NFQNL_COPY_META: ids only, no payload to copy
	flagFailOpen = 1 // NFQA_CFG_F_FAIL_OPEN: a full queue lets packets through

	verdictAccept = 1 // NF_ACCEPT
)

// Queue is one bound NFQUEUE.
type Queue struct {
	conn *netlink.Conn
	num  uint16
}

// Open binds queue num; packets sent to it by iptables' NFQUEUE target are
// held in the kernel until Accept is called with their id.
func Open(num uint16, maxLen uint32) (*Queue, error) {
	conn, err := netlink.Dial(unix.NETLINK_NETFILTER, nil)
	if err != nil {
		return nil, fmt.Errorf("netlink: %w", err)
	}
	q := &Queue{conn: conn, num: num}
	// A burst must not overflow the socket: a lost packet message would
	// leave its packet held until the queue is unbound.
	_ = conn.SetReadBuffer(16 << 20)
	_ = conn.SetOption(netlink.NoENOBUFS, true)

	cmd := []byte{cmdBind, 0, 0, 0} // command, pad, pf (unused since Linux 3.8)
	params := make([]byte, 5)       // copy_range (be32), copy_mode (u8)
	params[4] = copyMeta
	if err := q.config(func(ae *netlink.AttributeEncoder) { ae.Bytes(cfgCmd, cmd) }); err != nil {
		conn.Close()
		return nil, fmt.Errorf("bind queue %d: %w", num, err)
	}
	err = q.config(func(ae *netlink.AttributeEncoder) {
		ae.Bytes(cfgParams, params)
		ae.Bytes(cfgMaxLen, be32(maxLen))
		ae.Bytes(cfgMask, be32(flagFailOpen))
		ae.Bytes(cfgFlags, be32(flagFailOpen))
	})
	if err != nil {
		q.Close()
		return nil, fmt.Errorf("configure queue %d: %w", num, err)
	}
	return q, nil
}

// Close closes the socket, which unbinds the queue (an explicit unbind
// through Execute would wait forever on the lock a blocked Receive holds).
// The kernel drops whatever the queue still holds, so accept everything first.
func (q *Queue) Close() error {
	return q.conn.Close()
}

// Receive blocks until packets arrive and returns their ids.
func (q *Queue) Receive() ([]uint32, error) {
	msgs, err := q.conn.Receive()
	if err != nil {
		return nil, err
	}
	var ids []uint32
	for _, m := range msgs {
		if m.Header.Type != netlink.HeaderType(subsysQueue<<8|msgPacket) || len(m.Data) < 4 {
			continue
		}
		ad, err := netlink.NewAttributeDecoder(m.Data[4:]) // after struct nfgenmsg
		if err != nil {
			continue
		}
		for ad.Next() {
			if ad.Type() == attrPacketHdr && len(ad.Bytes()) >= 4 {
				ids = append(ids, binary.BigEndian.Uint32(ad.Bytes()[:4]))
			}
		}
	}
	return ids, nil
}

// Accept releases one held packet. Safe to call from many goroutines.
func (q *Queue) Accept(id uint32) error {
	hdr := append(be32(verdictAccept), be32(id)...)
	data, err := q.encode(func(ae *netlink.AttributeEncoder) { ae.Bytes(attrVerdictHdr, hdr) })
	if err != nil {
		return err
	}
	_, err = q.conn.Send(netlink.Message{
		Header: netlink.Header{Type: netlink.HeaderType(subsysQueue<<8 | msgVerdict), Flags: netlink.Request},
		Data:   data,
	})
	return err
}

func (q *Queue) config(attrs func(*netlink.AttributeEncoder)) error {
	data, err := q.encode(attrs)
	if err != nil {
		return err
	}
	_, err = q.conn.Execute(netlink.Message{
		Header: netlink.Header{
			Type:  netlink.HeaderType(subsysQueue<<8 | msgConfig),
			Flags: netlink.Request | netlink.Acknowledge,
		},
		Data: data,
	})
	var opErr *netlink.OpError
	if errors.As(err, &opErr) && errors.Is(opErr.Err, unix.EBUSY) {
		return fmt.Errorf("queue in use by another program (a leftover helper? run `npx faultline heal`)")
	}
	return err
}

// encode prefixes the attributes with struct nfgenmsg: family AF_UNSPEC,
// version NFNETLINK_V0, res_id = queue number (big endian).
func (q *Queue) encode(attrs func(*netlink.AttributeEncoder)) ([]byte, error) {
	ae := netlink.NewAttributeEncoder()
	attrs(ae)
	body, err := ae.Encode()
	if err != nil {
		return nil, err
	}
	head := []byte{unix.AF_UNSPEC, 0, byte(q.num >> 8), byte(q.num)}
	return append(head, body...), nil
}

func be32(v uint32) []byte {
	b := make([]byte, 4)
	binary.BigEndian.PutUint32(b, v)
	return b
}
