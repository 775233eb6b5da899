from dramatis.cli import main

raise SystemExit(main())
