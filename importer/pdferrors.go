package importer

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ledongthuc/pdf"

	"github.com/rapport-qda/rapport/internal/lazyre"
)

// ErrNeedsPassword: the PDF is encrypted with a user password that is not
// empty; it opens with ExtractOptions.Password. Such an error is also
// ErrEncrypted.
var ErrNeedsPassword = errors.New("the PDF needs a password")

// passwordError is the error of a file that needs a password.
type passwordError struct{ detail string }

func (e *passwordError) Error() string { return ErrNeedsPassword.Error() + ": " + e.detail }

func (e *passwordError) Is(target error) bool {
	return target == ErrNeedsPassword || target == ErrEncrypted
}

var nullValue pdf.Value

// plainMalformed says in plain words what the native reader found wrong
// with a file's structure. It never quotes the file's bytes.
func plainMalformed(err error) string {
	msg := strings.ToLower(err.Error())
	switch {
	case strings.Contains(msg, "%%eof") || strings.Contains(msg, "missing final startxref") || strings.Contains(msg, "reading at offset") && strings.Contains(msg, "eof"):
		return "the file is cut short (no end-of-file marker): it was not completely downloaded or copied; download it again"
	case strings.Contains(msg, "cross-reference") || strings.Contains(msg, "xref"):
		return "the file's table of contents (cross-reference table) is damaged, and its objects could not be found by scanning either"
	case strings.Contains(msg, "no pages"):
		return "the file has no pages that can be found"
	case strings.Contains(msg, "not a pdf"):
		return "the file does not look like a PDF inside"
	case strings.Contains(msg, "escape"):
		return "a string in the file is written wrongly (an invalid escape sequence)"
	}
	// Keep the library's words, but only printable text of a sane length.
	return "the file is damaged: " + printable(strings.TrimPrefix(strings.TrimPrefix(msg, "malformed pdf: "), "malformed pdf file: "), 120)
}

// printable keeps the printable characters of s, at most n runes.
func printable(s string, n int) string {
	var b strings.Builder
	k := 0
	for _, r := range s {
		if k >= n {
			b.WriteString("…")
			break
		}
		if r < 0x20 || r == 0x7f || r == 0xfffd {
			continue
		}
		b.WriteRune(r)
		k++
	}
	return b.String()
}

var (
	encV   = lazyre.New(`/V\s+(\d)`)
	encR   = lazyre.New(`/R\s+(\d)`)
	encCFM = lazyre.New(`/CFM\s*/(\w+)`)
	encLen = lazyre.New(`/Length\s+(\d+)`)
)

// encryptionKind names a file's encryption method in words ("AES-256",
// "RC4 with a 128-bit key"), read from its /Encrypt dictionary.
func encryptionKind(data []byte) string {
	i := strings.LastIndex(string(data), "/Filter/Standard")
	if i < 0 {
		i = strings.LastIndex(string(data), "/Filter /Standard")
	}
	if i < 0 {
		return "encrypted"
	}
	lo, hi := max(i-600, 0), min(i+600, len(data))
	dict := string(data[lo:hi])
	v, r, cfm, length := first(encV, dict), first(encR, dict), first(encCFM, dict), first(encLen, dict)
	rev := ""
	if r != "" {
		rev = " (revision " + r + ")"
	}
	switch {
	case v == "5" || r == "5" || r == "6" || cfm == "AESV3":
		return "encrypted with AES-256" + rev
	case cfm == "AESV2":
		return "encrypted with AES-128" + rev
	case v == "1":
		return "encrypted with RC4 (40-bit key)" + rev
	case length != "" && length != "40" && length != "5":
		return fmt.Sprintf("encrypted with RC4 (%s-bit key)%s", bits(length), rev)
	}
	return "encrypted with RC4" + rev
}

func first(re *lazyre.Regexp, s string) string {
	if m := re.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

// bits reads a key length given in bits or, by some producers, in bytes.
func bits(n string) string {
	switch n {
	case "16":
		return "128"
	case "32":
		return "256"
	}
	return n
}
