package importer

import (
	"strconv"
	"strings"

	"github.com/ledongthuc/pdf"
)

// pageLabels reads the catalog's /PageLabels number tree and returns the
// printed label of each of the n pages ("" where the document gives none).
func pageLabels(rd *pdf.Reader, n int) []string {
	root := rd.Trailer().Key("Root").Key("PageLabels")
	if root.Kind() != pdf.Dict {
		return nil
	}
	type rangeStart struct {
		page  int
		style string
		pref  string
		start int
	}
	var starts []rangeStart
	visits := 0
	var walk func(node pdf.Value, depth int)
	walk = func(node pdf.Value, depth int) {
		visits++
		if depth > 32 || len(starts) > 100_000 || visits > 10_000 {
			return
		}
		nums := node.Key("Nums")
		for i := 0; i+1 < nums.Len(); i += 2 {
			d := nums.Index(i + 1)
			st := 1
			if v := d.Key("St"); v.Kind() == pdf.Integer {
				st = int(v.Int64())
			}
			starts = append(starts, rangeStart{int(nums.Index(i).Int64()), d.Key("S").Name(), d.Key("P").Text(), st})
		}
		kids := node.Key("Kids")
		for i := 0; i < kids.Len(); i++ {
			walk(kids.Index(i), depth+1)
		}
	}
	walk(root, 0)
	if len(starts) == 0 {
		return nil
	}
	labels := make([]string, n)
	for k, r := range starts {
		end := n
		if k+1 < len(starts) && starts[k+1].page < end {
			end = starts[k+1].page
		}
		for p := max(r.page, 0); p < end; p++ {
			labels[p] = r.pref + formatLabel(r.style, r.start+p-r.page)
		}
	}
	return labels
}

func formatLabel(style string, v int) string {
	switch style {
	case "D":
		return strconv.Itoa(v)
	case "R":
		return strings.ToUpper(roman(v))
	case "r":
		return roman(v)
	case "A":
		return strings.ToUpper(letters(v))
	case "a":
		return letters(v)
	}
	return ""
}

func roman(v int) string {
	if v <= 0 || v >= 5000 {
		return strconv.Itoa(v)
	}
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"m", "cm", "d", "cd", "c", "xc", "l", "xl", "x", "ix", "v", "iv", "i"}
	var b strings.Builder
	for i, x := range vals {
		for v >= x {
			b.WriteString(syms[i])
			v -= x
		}
	}
	return b.String()
}

// letters gives a, b, …, z, aa, bb, … as PDF page labels count.
func letters(v int) string {
	if v <= 0 || v > 26*100 {
		return strconv.Itoa(v)
	}
	return strings.Repeat(string(rune('a'+(v-1)%26)), (v-1)/26+1)
}
