export async function bench(_o: { duration: string }): Promise<void> {}
