package export

import (
	"crypto/sha1"
	"fmt"
	"strings"

	"github.com/rapport-qda/rapport/internal/lazyre"
)

// rapportNamespace is the UUID namespace of the GUIDs Rapport derives
// (itself UUIDv5 of the URL namespace and "https://github.com/rapport-qda/rapport").
var rapportNamespace = uuidV5([16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8},
	"https://github.com/rapport-qda/rapport")

// uuidV5 derives a name-based UUID (RFC 9562, version 5, SHA-1).
func uuidV5(ns [16]byte, name string) [16]byte {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return u
}

func formatUUID(u [16]byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// StableGUID derives a GUID from a kind and a key ("annotation", the
// annotation's id): the same inputs give the same GUID in every export,
// so that re-importing updates instead of duplicating.
func StableGUID(kind, key string) string {
	return formatUUID(uuidV5(rapportNamespace, kind+":"+key))
}

var guidPattern = lazyre.New(`^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$`)

// refiGUID returns guid when it is a valid REFI-QDA GUID, else one derived
// from it.
func refiGUID(kind, guid string) string {
	if guidPattern.MatchString(guid) {
		return strings.ToLower(strings.Trim(guid, "{}"))
	}
	return StableGUID(kind, guid)
}
