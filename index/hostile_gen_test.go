package index

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"math/rand"
	"strings"

	"github.com/rapport-qda/rapport/internal/pdfgen"
)

// Generators of hostile and broken PDFs for the regression corpus. Small
// ones are also kept as files in testdata/hostile (regenerate them with
// RAPPORT_WRITE_HOSTILE=1 go test ./index -run TestHostileCorpusFiles);
// big ones exist only while the test runs.

// rawPDF assembles a PDF from object bodies (object i+1 is objs[i]) with a
// correct cross-reference table; trailer is added to the trailer dictionary.
func rawPDF(objs []string, trailer string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, trailer, xref)
	return b.Bytes()
}

func streamObj(dict string, data []byte) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

const helvetica = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"

// onePagePDF is a valid one-page PDF around a content stream.
func onePagePDF(content string) []byte {
	return rawPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		helvetica,
		streamObj("", []byte(content)),
	}, "")
}

func validArticle() []byte {
	return pdfgen.Article{Title: "A Perfectly Ordinary Article Title", Pages: [][]string{{"ordinary words about qualitative interviews with nurses"}}}.Doc().Bytes()
}

func randomBytes(n int, seed int64) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b)
	return b
}

func truncatedPDF() []byte {
	d := validArticle()
	return d[:len(d)*2/3]
}

// encryptedPDF uses the standard security handler with a user password
// (the O and U entries do not match the empty password), as a PDF that
// asks for a password to open does.
func encryptedPDF() []byte {
	o := strings.Repeat("A1", 32)
	u := strings.Repeat("5C", 32)
	return rawPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
		streamObj("", []byte("garbled-by-rc4")),
		fmt.Sprintf("<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -44 >>", o, u),
	}, "/Encrypt 5 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]")
}

// cyclicPagesPDF has a page tree whose node lists itself among its kids.
func cyclicPagesPDF() []byte {
	return rawPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [2 0 R 3 0 R 2 0 R] /Count 3 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		helvetica,
		streamObj("", []byte("BT /F1 12 Tf 72 700 Td (cycle) Tj ET")),
	}, "")
}

// cyclicRefsPDF has objects that refer to each other in a ring, reached
// through the resources (a form XObject that draws itself).
func cyclicRefsPDF() []byte {
	return rawPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> /XObject << /X 6 0 R >> >> /Contents 5 0 R >>",
		helvetica,
		streamObj("", []byte("BT /F1 12 Tf 72 700 Td (ring) Tj ET /X Do")),
		streamObj("/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /X 6 0 R >> /Font << /F1 4 0 R >> >>", []byte("BT /F1 9 Tf 72 600 Td (self) Tj ET /X Do")),
	}, "")
}

// deeplyNestedPDF has an object of depth nested arrays in the page's
// dictionary, which a recursive parser descends.
func deeplyNestedPDF(depth int) []byte {
	nest := strings.Repeat("[", depth) + strings.Repeat("]", depth)
	return rawPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R /Deep " + nest + " >>",
		helvetica,
		streamObj("", []byte("BT /F1 12 Tf 72 700 Td (deep) Tj ET")),
	}, "")
}

// hugeCountPDF claims a hundred million pages and has one.
func hugeCountPDF() []byte {
	return rawPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 100000000 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		helvetica,
		streamObj("", []byte("BT /F1 12 Tf 72 700 Td (one page claims many) Tj ET")),
	}, "")
}

// manyPagesPDF has n real pages sharing one content stream.
func manyPagesPDF(n int) []byte {
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", "", helvetica, streamObj("", []byte("BT /F1 12 Tf 72 700 Td (page) Tj ET"))}
	var kids strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&kids, "%d 0 R ", len(objs)+1)
		objs = append(objs, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>")
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids.String(), n)
	return rawPDF(objs, "")
}

// bombPDF's content stream inflates from a few hundred kilobytes to size
// bytes of spaces.
func bombPDF(size int) []byte {
	var z bytes.Buffer
	w, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	w.Write([]byte("BT /F1 12 Tf 72 700 Td (bomb) Tj ET\n"))
	for n := 0; n < size; n += len(chunk) {
		w.Write(chunk)
	}
	w.Close()
	return rawPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		helvetica,
		streamObj("/Filter /FlateDecode", z.Bytes()),
	}, "")
}

// imageOnlyPDF draws one image and no text, as a scan does.
func imageOnlyPDF() []byte {
	img := bytes.Repeat([]byte{0x80}, 16*16)
	return rawPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
		streamObj("", []byte("q 540 0 0 720 36 36 cm /Im1 Do Q")),
		streamObj("/Type /XObject /Subtype /Image /Width 16 /Height 16 /ColorSpace /DeviceGray /BitsPerComponent 8", img),
	}, "")
}
