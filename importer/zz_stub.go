package importer

// TEMPORARY stand-ins so the library compiles until the metadata helper's
// real ReadText lands (ParseMetadata has landed): whoever lands them deletes this file.

func ReadText(name string, data []byte) (*Extraction, error) {
	return &Extraction{Pages: []PageText{{Number: 1, Text: string(data)}}, Version: ExtractorVersion, DOI: DetectDOI(string(data))}, nil
}
